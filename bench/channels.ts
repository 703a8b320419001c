/**
 * Inbound messaging through a real `wrangler dev`: a customer's SMS, signed as Twilio signs its
 * webhooks, posted to the `twilio` channel's `webhook_url` (Worker, with its cached channel
 * configuration → DirectoryDO → ConversationDO), until the `message.added` frame reaches the agent's conversation
 * socket. Throughput (messages/s with 8 webhooks in flight) and one-at-a-time latency, each against an
 * authenticated no-op Durable Object round trip (`/api/ping`) measured in the same run; and the web
 * chat widget's size as the build script measures it (minified, gzip level 9) against its budget.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CONVERSATION_SUBPROTOCOL } from "../contract/conversations";
import { inboundSms, startTwilioDouble } from "../test/support/doubles/twilio";
import { startDevServer } from "../test/support/dev-server";
import { buildWeb } from "../scripts/build-web.mjs";
import { apiFor, type Api } from "./api";
import { percentile } from "./report";
import { eventually } from "../test/support/eventually";

const CONCURRENCY = 8;
const NUMBER = "+15552223333";
const CUSTOMER = "+15550001111";
export const WIDGET_BUDGET = 25 * 1024;

export interface ChannelsFigures {
  messages: number;
  /** `/api/ping` with the same concurrency and count, averaged before and after the messages. */
  pingPerSecond: number;
  /** Webhooks posted until the agent's socket had every `message.added` frame. */
  messagesPerSecond: number;
  /** The same webhooks, counted when their 200 came back (the provider's view). */
  webhooksPerSecond: number;
  /** One at a time, interleaved: POST → `message.added` on the agent socket, POST → its 200, `/api/ping`. */
  delivered: number[];
  acknowledged: number[];
  ping: number[];
  widgetRawBytes: number;
  widgetGzipBytes: number;
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

/** Runs `count` calls with {@link CONCURRENCY} in flight; resolves to the calls per second. */
async function load(count: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** A workspace with one available agent (sms capacity 1, so the one conversation holds it). */
async function workspaceWithAgent(api: Api): Promise<{ base: string; workspaceSid: string; workerSid: string }> {
  const ws = (await api("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "bench-channels", Template: "FIFO" })) as { sid: string };
  const base = `/taskrouter/v1/Workspaces/${ws.sid}`;
  const available = ((await api("GET", `${base}/Activities?FriendlyName=Available`)) as { activities: { sid: string }[] }).activities[0]!
    .sid;
  const worker = (await api("POST", `${base}/Workers`, { FriendlyName: "ada", ActivitySid: available })) as { sid: string };
  await api("POST", `${base}/Workers/${worker.sid}/Channels/sms`, { Capacity: "1", Available: "true" });
  return { base, workspaceSid: ws.sid, workerSid: worker.sid };
}

export async function runChannelsBench(messages = 600, samples = 200): Promise<ChannelsFigures> {
  // Measured before wrangler dev starts: rewriting web/public while it runs restarts the Worker.
  const built = await buildWeb();
  const widget = readFileSync(join(process.cwd(), "web", "public", "widget.js"));
  const widgetGzipBytes = gzipSync(widget, { level: 9 }).length;
  if (widgetGzipBytes !== built) throw new Error("the widget's gzipped size differs from the build script's");
  const server = await startDevServer();

  const api = apiFor(server);
  const twilio = await startTwilioDouble({ numbers: [NUMBER] });
  try {
    const { base, workspaceSid, workerSid } = await workspaceWithAgent(api);
    const channel = (await api("POST", `/api/workspaces/${workspaceSid}/channels`, {
      Kind: "twilio",
      FriendlyName: "bench SMS",
      "Settings.twilio_account_sid": twilio.accountSid,
      "Settings.phone_number": NUMBER,
      "Settings.api_base_url": twilio.url,
      "Secrets.auth_token": twilio.authToken,
    })) as { webhook_url: string };
    const sms = async (body: string) => {
      const res = await twilio.sendWebhook(channel.webhook_url, inboundSms(twilio.accountSid, { From: CUSTOMER, To: NUMBER, Body: body }));
      if (res.status !== 200) throw new Error(`webhook → ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };

    // The first message opens the conversation and its task; the agent accepts and joins.
    await sms("hello");
    const task = await eventually(
      async () => {
        const { tasks } = (await api("GET", `${base}/Tasks`)) as { tasks: { sid: string; attributes: string }[] };
        return tasks.find((t) => (JSON.parse(t.attributes) as { from?: string }).from === CUSTOMER);
      },
      "the conversation's task",
      20_000,
      100,
    );
    const conversationSid = (JSON.parse(task.attributes) as { conversationSid: string }).conversationSid;
    const reservation = await eventually(
      async () => {
        const { reservations } = (await api("GET", `${base}/Tasks/${task.sid}/Reservations`)) as { reservations: { sid: string }[] };
        return reservations[0];
      },
      "the agent's reservation",
      20_000,
      100,
    );
    await api("POST", `${base}/Tasks/${task.sid}/Reservations/${reservation.sid}`, { ReservationStatus: "accepted" });
    await eventually(
      async () => {
        const { participants } = (await api("GET", `/conversations/v1/Conversations/${conversationSid}/Participants`)) as {
          participants: { identity: string | null }[];
        };
        return participants.find((p) => p.identity === workerSid);
      },
      "the agent in the conversation",
      20_000,
      100,
    );

    const { token } = (await api("POST", "/api/tokens", { WorkspaceSid: workspaceSid, Role: "worker", WorkerSid: workerSid })) as {
      token: string;
    };
    const socket = new WebSocket(`${server.baseUrl.replace("http", "ws")}/api/conversations/${conversationSid}/socket`, [
      CONVERSATION_SUBPROTOCOL,
      `token.${token}`,
    ]);
    // Frames by message body; a burst counts its bodies by prefix.
    const waiting = new Map<string, (at: number) => void>();
    let burst: { prefix: string; left: number; done: (at: number) => void } | null = null;
    let snapshot: (() => void) | null = null;
    socket.addEventListener("message", (event) => {
      const at = performance.now();
      const frame = JSON.parse(String(event.data)) as { type: string; message?: { body: string } };
      if (frame.type === "conversation.snapshot") snapshot?.();
      if (frame.type !== "message.added" || !frame.message) return;
      const body = frame.message.body;
      waiting.get(body)?.(at);
      waiting.delete(body);
      if (burst && body.startsWith(burst.prefix) && --burst.left === 0) burst.done(at);
    });
    let phase = "opening the agent socket";
    const closed = new Promise<never>((_, reject) =>
      socket.addEventListener("close", (event) =>
        reject(new Error(`the agent socket closed (${event.code} ${event.reason}) during ${phase}`)),
      ),
    );
    closed.catch(() => undefined);
    await Promise.race([new Promise<void>((resolve) => (snapshot = resolve)), closed]);
    const frameFor = (body: string) =>
      Promise.race([
        closed,
        new Promise<number>((resolve, reject) => {
          waiting.set(body, resolve);
          setTimeout(() => reject(new Error(`no message.added for ${body} within 10 s`)), 10_000).unref();
        }),
      ]);

    /** Posts `count` webhooks, 8 in flight; resolves when the socket has every frame. */
    const flood = async (prefix: string, count: number) => {
      const framed = new Promise<number>((resolve) => (burst = { prefix, left: count, done: resolve }));
      const started = performance.now();
      let acknowledgedAt = 0;
      await load(count, (i) => sms(`${prefix}${i}`)).then(() => (acknowledgedAt = performance.now()));
      const lastFrame = await Promise.race([closed, framed]);
      burst = null;
      return { messages: count / ((lastFrame - started) / 1000), webhooks: count / ((acknowledgedAt - started) / 1000) };
    };
    const ping = () => api("GET", "/api/ping");

    phase = "the warm-up";
    await load(200, ping);
    await flood("warm ", 50);
    // The baseline is measured before and after and averaged, so drift weighs on both sides alike.
    const before = await load(messages, ping);
    phase = `${messages} messages, ${CONCURRENCY} in flight`;
    const burstFigures = await flood("t ", messages);
    const after = await load(messages, ping);
    console.log(
      `channels: ping ${((before + after) / 2).toFixed(0)}/s, messages ${burstFigures.messages.toFixed(0)}/s, webhooks ${burstFigures.webhooks.toFixed(0)}/s`,
    );

    const delivered: number[] = [];
    const acknowledged: number[] = [];
    const pings: number[] = [];
    phase = "the one-at-a-time samples";
    for (let i = 0; i < samples + 20; i++) {
      const pinged = await timed(ping);
      const body = `one ${i}`;
      const framed = frameFor(body);
      const start = performance.now();
      await sms(body);
      const ack = performance.now() - start;
      const got = (await framed) - start;
      if (i >= 20) {
        pings.push(pinged);
        acknowledged.push(ack);
        delivered.push(got);
      }
    }
    socket.close();
    return {
      messages,
      pingPerSecond: (before + after) / 2,
      messagesPerSecond: burstFigures.messages,
      webhooksPerSecond: burstFigures.webhooks,
      delivered,
      acknowledged,
      ping: pings,
      widgetRawBytes: widget.length,
      widgetGzipBytes,
    };
  } finally {
    await twilio.close();
    await server.stop();
  }
}

export function channelsRows(f: ChannelsFigures): string[] {
  const p = (xs: number[], q: number) => percentile(xs, q).toFixed(1);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return [
    `| inbound SMS webhook → \`message.added\` on the agent's socket, ${CONCURRENCY} in flight | ${f.messagesPerSecond.toFixed(0)} messages/s |`,
    `| the same webhooks answered 200 (what the provider sees) | ${f.webhooksPerSecond.toFixed(0)} webhooks/s |`,
    `| baseline: \`/api/ping\`, ${CONCURRENCY} in flight | ${f.pingPerSecond.toFixed(0)} req/s |`,
    `| **ratio messages / no-op round trip** | **${(f.messagesPerSecond / f.pingPerSecond).toFixed(2)}** |`,
    `| one at a time: webhook → \`message.added\` on the agent's socket | p50 ${p(f.delivered, 50)} ms, p99 ${p(f.delivered, 99)} ms |`,
    `| one at a time: webhook → its 200 | p50 ${p(f.acknowledged, 50)} ms, p99 ${p(f.acknowledged, 99)} ms (${(percentile(f.acknowledged, 50) / percentile(f.ping, 50)).toFixed(1)}× a no-op round trip) |`,
    `| one at a time: \`/api/ping\` | p50 ${p(f.ping, 50)} ms, p99 ${p(f.ping, 99)} ms |`,
    `| **ratio message delivered / no-op round trip** (p50) | **${(percentile(f.delivered, 50) / percentile(f.ping, 50)).toFixed(1)}×** |`,
    `| web chat widget (\`web/public/widget.js\`), minified / gzip level 9 | ${kb(f.widgetRawBytes)} / **${kb(f.widgetGzipBytes)}** of the ${kb(WIDGET_BUDGET)} budget (${((f.widgetGzipBytes / WIDGET_BUDGET) * 100).toFixed(0)} %) |`,
  ];
}
