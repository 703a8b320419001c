/**
 * `npm run bench`: runs every benchmark suite and writes its figures into BENCHMARKS.md.
 * Figures are ratios against a baseline measured in the same run wherever a machine's speed would
 * otherwise make them meaningless.
 */
import { runMatcherBench } from "./matcher";
import { realtimeRows, runRealtimeBench } from "./realtime";
import { runTaskRouterBench } from "./taskrouter";
import { runSupervisorsBench, supervisorsRows } from "./supervisors";
import { channelsRows, runChannelsBench } from "./channels";
import { desktopRows, runDesktopBench } from "./desktop";
import { runCallsBench } from "./calls";
import { runFlowsBench } from "./flows";
import { runBotBench } from "./bot";
import { MODELS, PATH, regionsRows, simulate } from "./regions-sim";
import regionsInputs from "./regions-inputs.json";
import { regions } from "../platform/regions";
import { machine, percentile, writeSection } from "./report";

const ms = (x: number) => (x < 0.01 ? x.toFixed(4) : x.toFixed(3));

function matcherSection(): string {
  const figures = runMatcherBench();
  const rows = figures.map((f) => {
    const t50 = percentile(f.task.indexed, 50);
    const t99 = percentile(f.task.indexed, 99);
    const b50 = percentile(f.task.brute, 50);
    const b99 = percentile(f.task.brute, 99);
    const w50 = percentile(f.worker.indexed, 50);
    const w99 = percentile(f.worker.indexed, 99);
    const bw50 = percentile(f.worker.brute, 50);
    return `| ${f.size.toLocaleString("en")} | ${ms(t50)} | ${ms(t99)} | ${ms(b50)} | ${ms(b99)} | **${(b50 / t50).toFixed(0)}×** | ${ms(w50)} | ${ms(w99)} | ${ms(bw50)} | **${(bw50 / w50).toFixed(0)}×** | ${(((f.heapBytes / f.size) * 10_000) / 2 ** 20).toFixed(1)} MiB |`;
  });
  const [small, , large] = figures;
  const growth = small && large ? percentile(large.task.indexed, 50) / percentile(small.task.indexed, 50) : NaN;
  return [
    "## Routing decisions (matcher)",
    "",
    `Measured ${machine()}.`,
    "",
    "A synthetic contact center: 20 skill queues (`skills HAS 'skillN'`), workers with 3 skills, 1–2 languages, a level and a team, 60 % in an available activity, capacity 1 voice + 3 chat partly used. *Task arrives*: `offerTask` for a new task whose target is `task.language IN worker.languages` (70 %) or `worker.level >= task.min_level AND worker.team != task.avoid_team` with `order_by worker.level DESC` (30 %). *Worker freed*: `offerWorker` for one worker while 1,000 tasks wait. *Brute force* is the reference matcher from the test suite (scans every worker and task, same results — the property test checks that) measured in the same run. Times in milliseconds.",
    "",
    "| workers | task p50 | task p99 | brute p50 | brute p99 | speed-up p50 | freed p50 | freed p99 | brute freed p50 | speed-up | heap per 10k workers |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    `From 1k to 100k workers (100× more) the median task decision grows ${growth.toFixed(1)}×. A freed worker's decision walks the waiting tasks of that worker's queues, not the workers, so neither column grows with the workforce.`,
  ].join("\n");
}

async function taskRouterSection(): Promise<string> {
  const f = await runTaskRouterBench();
  return [
    "## TaskRouter API over HTTP",
    "",
    `Measured ${machine()}, through \`wrangler dev\` on 127.0.0.1 with ${8} requests in flight.`,
    "",
    "| figure | value |",
    "|---|---:|",
    `| no-op Durable Object round trip (\`/api/ping\`, authenticated) | ${f.pingPerSecond.toFixed(0)} req/s; one at a time p50 ${f.pingLatencyP50.toFixed(1)} ms |`,
    `| tasks created and reserved (\`POST /Tasks\`, 50 workers ready) | ${f.tasksPerSecond.toFixed(0)} tasks/s, ${(f.reservedShare * 100).toFixed(0)} % reserved on creation |`,
    `| **ratio tasks / no-op round trip** (issue 12's target ≥ 0.8) | **${(f.tasksPerSecond / f.pingPerSecond).toFixed(2)}** |`,
    `| statistics fetch with ${f.pendingTasks.toLocaleString("en")} pending tasks (queue and workspace \`/Statistics\`) | p50 ${f.statsP50.toFixed(1)} ms, p99 ${f.statsP99.toFixed(1)} ms (${(f.statsP50 / f.pingLatencyP50).toFixed(1)}× a no-op round trip, one at a time) |`,
    ...[...f.statsAcrossRegionsP50].map(
      ([count, p50]) =>
        `| workspace \`/Statistics\`, its tasks in ${count} region${count === 1 ? "" : "s"} (${f.tasksPerRegion} in each; every region's Router asked, the figures added up) | p50 ${p50.toFixed(1)} ms (${(p50 / f.pingLatencyP50).toFixed(1)}× a no-op round trip, one at a time) |`,
    ),
    ...(
      [
        ["task created → reserved in its own region (the answer says reserved)", f.reservedHere],
        ["task created in us-east → handed over → reserved in eu-ireland (read until reserved)", f.reservedAfterHandover],
      ] as const
    ).map(
      ([what, samples]) =>
        `| ${what}, ${samples.length} one at a time | p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms (${(percentile(samples, 50) / percentile(f.handoverPings, 50)).toFixed(1)}× a no-op round trip) |`,
    ),
  ].join("\n");
}

async function realtimeSection(): Promise<string> {
  const f = await runRealtimeBench();
  return [
    "## Live channel: how fast a reservation rings",
    "",
    `Measured ${machine()}, through \`wrangler dev\` on 127.0.0.1, ${f.ring.length} samples each, interleaved.`,
    "",
    "| path | p50 | p99 |",
    "|---|---:|---:|",
    ...realtimeRows(f),
  ].join("\n");
}

async function supervisorsSection(): Promise<string> {
  const f = await runSupervisorsBench();
  return [
    "## Supervisors' feed: one change to 1,000 supervisors",
    "",
    `Measured ${machine()}, through \`wrangler dev\` on 127.0.0.1, the 1,000 sockets held by one Node process (which parses every frame, so the time to the last socket includes the client's own work).`,
    "",
    "| figure | value |",
    "|---|---:|",
    ...supervisorsRows(f),
  ].join("\n");
}

async function channelsSection(): Promise<string> {
  const f = await runChannelsBench();
  return [
    "## Channels: inbound messages to the agent, and the widget's size",
    "",
    `Measured ${machine()}, through \`wrangler dev\` on 127.0.0.1. One customer's SMS, signed as Twilio signs its webhooks, posted to a \`twilio\` channel's \`webhook_url\` (Worker, its cached channel configuration → DirectoryDO → ConversationDO for the first message, then the ConversationDO the isolate remembers) until the \`message.added\` frame reaches the accepted agent's conversation socket; the baseline is an authenticated no-op Durable Object round trip (\`/api/ping\`) in the same run. ${f.messages.toLocaleString("en")} messages with 8 in flight after 50 to warm up; one at a time, ${f.delivered.length} samples of each, interleaved.`,
    "",
    "| figure | value |",
    "|---|---:|",
    ...channelsRows(f),
    "",
    "A customer's first message makes two Durable Object calls in a row — the DirectoryDO for the customer's open conversation, the ConversationDO to store it; their later messages one, straight to the conversation the isolate remembers (`workers/inbound/open-conversations.ts`; a closed or missing one sends the message the directory's way). The channel's configuration comes from the Worker's cache (`workers/inbound/channel-cache.ts`, checked against the WorkspaceDO's version every 5 s), its signing key is imported once (`platform/hmac-keys.ts`), and the frame goes out of the ConversationDO before its answer travels back through the Worker. The conversation's entry in the directory (its last activity) is refreshed after the answer, at most once a second during a burst (the `index` timer writes the last).",
  ].join("\n");
}

async function desktopSection(): Promise<string> {
  const f = await runDesktopBench();
  return [
    "## Agent desktop: its weight, and how fast a reservation rings on screen",
    "",
    `Measured ${machine()}, through \`wrangler dev\` on 127.0.0.1 and headless Chromium (the system's). Sizes as \`scripts/build-web.mjs\` measures them (minified, gzip level 9). Ring-to-screen: an agent signed in to the desktop (\`/app/\`), ${f.painted.length} tasks created over REST one at a time after 5 to warm up, each accepted and completed over REST once it rang. The desktop marks each ring (\`window.__sbRingTimes\`): when the \`reservation.created\` frame arrived and the animation frame after React committed the incoming panel. The same worker also holds a plain Node WebSocket, so every task's socket-only time (as in the live channel section) is measured on the same task; page times are turned into wall-clock time with the page's \`performance.timeOrigin\`.`,
    "",
    "| figure | value |",
    "|---|---:|",
    ...desktopRows(f),
    "",
    "The browser's own share is the frame-to-paint row: parsing the frame, React's render and commit, and the wait for the next animation frame (up to one 16.7 ms frame at 60 Hz). The arrival row compares the two sockets of the same worker (the page's through Chromium's network stack, the bench's in Node) across two clocks, so it is only good to about a millisecond; the ring painted less the socket-only time is roughly the sum of the two rows above it.",
  ].join("\n");
}

/** What the table says, in words, with its own figures: Sydney's customers, each model's median. */
function regionsVerdict(figures: ReturnType<typeof simulate>): string {
  const sydney = figures.find((f) => f.region === "ap-sydney");
  if (!sydney) return "";
  const p50 = (id: string) => `${percentile(sydney.samples[id]!, 50).toFixed(0)} ms`;
  return [
    `A new web chat visitor in Sydney rings a Sydney agent in ${p50("new-visitor")} (median), against ${p50("central")} through one central router: nothing on the way crosses the Pacific, since their session names the conversation their first message opens and the directory hears of them after the ring.`,
    `A customer the directory knows (${p50("known-customer")}) still waits for it at the workspace's home — it holds their history and last agent, which known-agent routing needs before the task is made — so they fare about as under a central router; a directory per region (the customers' addresses and profiles split by region) would take that round trip off too, and is not built.`,
    "Every later message of a web chat conversation goes straight to it too. The webhook channels (SMS, WhatsApp, Messenger, email) ask the directory for every message, as a known customer's first does; which edge their webhooks reach is the provider's choice, not the customer's.",
  ].join(" ");
}

function regionsSection(): string {
  const samplesPerRegion = 10_000;
  const seed = 13;
  const figures = simulate(
    regionsInputs,
    regions.regions.map((r) => r.id),
    { seed, samplesPerRegion },
  );
  const { rtt, withinRegionRttMs, backboneJitter, lastMile, serviceMs, populations } = regionsInputs;
  return [
    "## Regions: a customer's message to an agent's ring, per-region routing vs one central router (simulated)",
    "",
    `A model, not a measurement: \`bench/regions-sim.ts\` on the inputs of \`bench/regions-inputs.json\`, each with its source (${new Date().toISOString().slice(0, 10)}, seed ${seed}, ${samplesPerRegion.toLocaleString("en")} messages per region, every model on the same draws). It follows the first message of a web chat conversation from the customer's device to \`reservation.created\` on the agent's socket, through the calls the code makes, one after the other:`,
    "",
    ...PATH.map(
      (hop, i) => `${i + 1}. ${hop.from} → ${hop.to}, ${hop.trip === "round" ? "a round trip" : "one way"}: ${hop.what} (\`${hop.code}\`)`,
    ),
    "",
    "Where the objects are in each model:",
    "",
    ...MODELS.map((m) => `- **${m.short}** — ${m.label}.`),
    "",
    `The workspace's home is ${regionsInputs.home}; the ConversationDO is where Cloudflare creates it, near the customer's edge, except in the central model; the Router DO holds the sockets of its region's agents. Customers are served by their own region's agents, or by the staffed region nearest them. Not on the path in any model: the channel's and the webhooks' configuration (the isolate's copies, read again at most every 5 s) and the conversation's directory entry (written after its task is created).`,
    "",
    `Inputs: round trips between regions ${rtt.status}, ${rtt.date} (${rtt.source}); ${withinRegionRttMs.value} ms within a region (${withinRegionRttMs.status}); each backbone traversal times a log-normal factor, σ ${backboneJitter.sigma} (${backboneJitter.status}); a person's last mile, one way, median ${lastMile.medianOneWayMs} ms and p95 ${lastMile.p95OneWayMs} ms (${lastMile.status} from Cloudflare's stated reach); the Router's createTask ${serviceMs.createTask} ms (measured here), other calls ${serviceMs.otherCall} ms (estimated); populations ${populations.status}.`,
    "",
    ...regionsRows(figures),
    "",
    regionsVerdict(figures),
  ].join("\n");
}

async function callsSection(): Promise<string> {
  const f = await runCallsBench();
  const p = (samples: number[]) => `p50 ${percentile(samples, 50).toFixed(0)} ms, p99 ${percentile(samples, 99).toFixed(0)} ms`;
  const ping = percentile(f.ping, 50);
  const join = percentile(f.join, 50);
  const ratio = (samples: number[]) =>
    `${(percentile(samples, 50) / join).toFixed(1)}× LiveKit's join, ${(percentile(samples, 50) / ping).toFixed(0)}× a no-op round trip`;
  return [
    "## Calls: accept → first audio",
    "",
    `Measured ${machine()}, through \`wrangler dev\` and LiveKit's server (scripts/livekit.mjs) on 127.0.0.1, both sides played by LiveKit's Node SDK (\`@livekit/rtc-node\`), each speaking a steady tone. ${f.customerHears.length} calls one at a time after 2 to warm up: a customer starts a call through the widget's route and joins its room; the agent accepts the reservation over REST, asks for their media token (retried until the accepted reservation has made them the conversation's agent) and joins. Times from the accept to the first decoded non-silent frame of the other side; LiveKit's join is \`room.connect\` resolving (signalling, ICE, connected), for both sides of every call; the no-op round trip is an authenticated \`/api/ping\`, in the same run.`,
    "",
    "| figure | value | ratio (p50) |",
    "|---|---:|---:|",
    `| accept → the agent's first audio at the customer | ${p(f.customerHears)} | ${ratio(f.customerHears)} |`,
    `| accept → the customer's first audio at the agent | ${p(f.agentHears)} | ${ratio(f.agentHears)} |`,
    `| accept → the agent's media token answered (REST accept, the queue's hand-over to the conversation, the token) | ${p(f.agentToken)} | ${ratio(f.agentToken)} |`,
    `| LiveKit's own join (connect → connected), ${f.join.length} joins | ${p(f.join)} | 1.0× |`,
    `| no-op Durable Object round trip (\`/api/ping\`, authenticated), ${f.ping.length} | p50 ${ping.toFixed(1)} ms, p99 ${percentile(f.ping, 99).toFixed(1)} ms | |`,
    "",
    "Switchboard's share of an accept is the token row: the REST accept, the queue consumer handing the accepted reservation to the conversation (which makes the worker its agent), and the token. The rest is LiveKit's: the agent's join, then — for the customer — the agent's track published, offered and subscribed to before its first packet, while the agent subscribes to the customer's track, already there, as it joins — so the customer usually hears the agent a little after the agent hears them.",
  ].join("\n");
}

function flowsSection(): string {
  const f = runFlowsBench();
  const perSecond = (f.steps / f.engineMs) * 1000;
  const inputsPerSecond = (f.inputs / f.engineMs) * 1000;
  return [
    "## Flows: steps per second",
    "",
    `Measured ${machine()}, in one Node process: the pure engine (\`durable-objects/flow/engine/\`) alone, no storage. ${f.conversations.toLocaleString("en")} conversations through an 8-widget support menu as Studio exports it (set-variables with a Liquid filter, a greeting, send-and-wait-for-reply, a menu split with \`matches_any_of\` — one conversation in three answers off the menu and is asked again — set-variables, send-to-flex), each awaited effect answered as the FlowDO answers it. A *step* is one widget left (a Studio Step); an *input* is one call of \`advance\` (a start, a reply, an effect's result). The baseline is what the FlowDO does with every input's result anyway: the execution's state written to JSON and read back, for the same states, in the same run.`,
    "",
    "| figure | value |",
    "|---|---:|",
    `| Studio steps through the engine | **${perSecond.toFixed(0)} steps/s** (${f.steps.toLocaleString("en")} steps) |`,
    `| inputs (\`advance\` calls) | ${inputsPerSecond.toFixed(0)} inputs/s, ${((f.engineMs * 1000) / f.inputs).toFixed(1)} µs each |`,
    `| the same states' JSON round trip alone (baseline) | ${((f.storeMs * 1000) / f.inputs).toFixed(1)} µs each |`,
    `| **ratio engine / JSON round trip** | **${(f.engineMs / f.storeMs).toFixed(2)}×** |`,
    "",
    `So an input's engine time is ${(f.engineMs / f.storeMs).toFixed(1)}× its state's serialisation, and both are microseconds: far below a Durable Object's round trip (milliseconds), which is what an input through the FlowDO costs.`,
  ].join("\n");
}

async function botSection(): Promise<string> {
  const f = await runBotBench();
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const c50 = percentile([...f.classifyMs], 50);
  const b50 = percentile([...f.baselineMs], 50);
  return [
    "## Bot (intent classifier)",
    "",
    `Measured ${machine()}, in Node (the classifier is pure; the WorkspaceDO runs the same code in workerd). The corpus is \`bench/fixtures/bot-corpus.json\`: 5 support intents in English and the same 5 in Spanish, 15 phrases each; per intent 80 % of the phrases (seeded shuffle, seed 16) train the model with the built-in small talk, the other 20 % are classified with the default threshold 0.5. *Language detected*: no language given, the bot picks it (the path a flow takes).`,
    "",
    "| figure | value |",
    "|---|---:|",
    `| phrases trained / held out | ${f.trainPhrases} / ${f.testPhrases} |`,
    `| **accuracy, language given** | **${pct(f.accuracyGiven)}** |`,
    `| **accuracy, language detected** | **${pct(f.accuracyDetected)}** |`,
    `| held out phrases below the threshold (None) | ${pct(f.noneShare)} |`,
    `| language detected right | ${pct(f.languageRight)} |`,
    `| training (the whole corpus, one \`POST /bot/train\`) | ${f.trainMs.toFixed(0)} ms |`,
    `| training at the limit, 2,000 phrases of made-up words (worst case: every word a new feature) | ${f.trainLimitMs.toFixed(0)} ms; model ${(f.limitModelBytes / 2 ** 20).toFixed(1)} MiB |`,
    `| loading the stored model (first classify after eviction) | ${f.loadMs.toFixed(1)} ms; model ${(f.modelBytes / 1024).toFixed(0)} KiB of JSON |`,
    `| classify, language detected (${f.classifyMs.length} calls) | p50 ${ms(c50)} ms, p99 ${ms(percentile([...f.classifyMs], 99))} ms |`,
    `| no-op async call, same loop (baseline) | p50 ${ms(b50)} ms |`,
    "",
    "Training blocks the workspace's object for its duration (CPU, no I/O): other requests to that workspace wait that long, once per `train`. A classification's cost is the row above; a flow pays it once per customer message when the workspace has a trained bot.",
  ].join("\n");
}

const only = process.argv[2];
if (!only || only === "matcher") writeSection("BENCHMARKS.md", "matcher", matcherSection());
if (!only || only === "taskrouter") writeSection("BENCHMARKS.md", "taskrouter", await taskRouterSection());
if (!only || only === "realtime") writeSection("BENCHMARKS.md", "realtime", await realtimeSection());
if (!only || only === "supervisors") writeSection("BENCHMARKS.md", "supervisors", await supervisorsSection());
if (!only || only === "channels") writeSection("BENCHMARKS.md", "channels", await channelsSection());
if (!only || only === "desktop") writeSection("BENCHMARKS.md", "desktop", await desktopSection());
if (!only || only === "calls") writeSection("BENCHMARKS.md", "calls", await callsSection());
if (!only || only === "flows") writeSection("BENCHMARKS.md", "flows", flowsSection());
if (!only || only === "regions") writeSection("BENCHMARKS.md", "regions", regionsSection());
if (!only || only === "bot") writeSection("BENCHMARKS.md", "bot", await botSection());
console.log("BENCHMARKS.md updated");
