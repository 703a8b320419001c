/**
 * A model, not a measurement: how long a web chat customer's first message takes to ring an agent when
 * the workspace spans eight regions, under one central router in us-east and under issue 13's per-region
 * routing. Real networks between the regions cannot be run here, so the figures come from committed
 * inputs (bench/regions-inputs.json: a published round-trip matrix, estimated last miles, illustrative
 * populations, each with its source) and the path the code takes (PATH, each hop naming the code that
 * makes it). Deterministic: one seeded generator, the same draws for every model (so the models differ by
 * where the objects are, not by luck). `npm run bench -- regions` writes its section in BENCHMARKS.md.
 */
import { percentile } from "./report";
import { seededRandom } from "../test/support/seeded-random";

/** What is where on the path: the two people's edges, and the Durable Objects between them. */
export type Stop = "customer-edge" | "directory" | "conversation" | "router" | "agent-edge";
type ObjectStop = Exclude<Stop, "customer-edge" | "agent-edge">;
/** Where an object is: the workspace's home region, the customer's region, or the serving agents' region. */
export type Site = "home" | "customer" | "serving";

export interface Hop {
  readonly from: Stop;
  readonly to: Stop;
  /** `round`: the caller waits for the answer before going on; `one-way`: the ring happens before it comes back. */
  readonly trip: "round" | "one-way";
  readonly service: "createTask" | "otherCall" | "none";
  readonly what: string;
  readonly code: string;
}

/**
 * The first message of a web chat conversation, from the Worker at the customer's edge to the
 * `reservation.created` frame on the agent's socket (ARCHITECTURE.md, "The path of an inbound message").
 * Not on it: the channel's configuration (the isolate's copy, workers/inbound/channel-cache.ts, checked
 * at home once per 5 s, which a busy edge amortises), likewise the chat service's webhook configuration
 * (webhook-config-cache.ts), and the conversation's entry in the directory (written after the task is
 * created). The directory's call is on it only where a model says so.
 */
export const PATH: readonly Hop[] = [
  {
    from: "customer-edge",
    to: "directory",
    trip: "round",
    service: "otherCall",
    what: "the customer's open conversation, or a new one's SID, and their profile and history (`resolveInbound`)",
    code: "workers/inbound/webhooks.ts",
  },
  {
    from: "customer-edge",
    to: "conversation",
    trip: "one-way",
    service: "otherCall",
    what: "the message stored (`receive`; it answers after the task is created)",
    code: "durable-objects/conversation/conversation-do.ts",
  },
  {
    from: "conversation",
    to: "router",
    trip: "one-way",
    service: "createTask",
    what: "the task created and reserved; the frame leaves at commit (`createTask`)",
    code: "durable-objects/conversation/lifecycle/tasks.ts",
  },
  {
    from: "router",
    to: "agent-edge",
    trip: "one-way",
    service: "none",
    what: "`reservation.created` on the agent's socket, which their region's Router DO holds",
    code: "durable-objects/router/realtime/",
  },
];

export interface Model {
  readonly id: string;
  /** A column's heading. */
  readonly short: string;
  readonly label: string;
  /**
   * Where the customer's request first reaches the system: their own region's edge (Cloudflare's), or
   * the workspace's home, across the backbone, as a browser reaches a service run in one data center.
   */
  readonly edge: "customer" | "home";
  /** Where each object is; a directory at null is not on the path. */
  readonly places: Readonly<Record<Exclude<ObjectStop, "directory">, Site>> & { readonly directory: Site | null };
}

export const MODELS: readonly Model[] = [
  {
    id: "central",
    short: "central router",
    label: "one central router in us-east: the customer's browser reaches us-east, where every object is",
    edge: "home",
    places: { directory: "home", conversation: "home", router: "home" },
  },
  {
    id: "new-visitor",
    short: "per-region, new visitor",
    label:
      "per-region routing as built, for a visitor the directory has never seen (most web chat visitors): their session names the conversation their first message opens, so it goes there straight (workers/inbound/direct.ts) and the directory hears of them after the ring",
    edge: "customer",
    places: { directory: null, conversation: "customer", router: "serving" },
  },
  {
    id: "known-customer",
    short: "per-region, known customer",
    label:
      "per-region routing as built, for a customer the directory knows (a returning or identified visitor opening a new conversation): the directory at the workspace's home finds their history and last agent first",
    edge: "customer",
    places: { directory: "home", conversation: "customer", router: "serving" },
  },
];

/** The shape of bench/regions-inputs.json (its sources and notes are for readers; the model reads these). */
export interface Inputs {
  readonly home: string;
  readonly rtt: { readonly matrix: Readonly<Record<string, Readonly<Record<string, number>>>> };
  readonly withinRegionRttMs: { readonly value: number };
  readonly backboneJitter: { readonly sigma: number };
  readonly lastMile: { readonly medianOneWayMs: number; readonly p95OneWayMs: number };
  readonly serviceMs: { readonly createTask: number; readonly otherCall: number };
  readonly populations: { readonly customers: Readonly<Record<string, number>>; readonly agents: Readonly<Record<string, number>> };
}

/** Every problem that would make the model meaningless, each naming its place in the file; empty when sound. */
export function inputProblems(inputs: Inputs, regionIds: readonly string[]): string[] {
  const problems: string[] = [];
  if (!regionIds.includes(inputs.home)) problems.push(`home: ${JSON.stringify(inputs.home)} is not a region`);
  for (const from of regionIds) {
    for (const to of regionIds) {
      const rtt = inputs.rtt.matrix[from]?.[to];
      if (typeof rtt !== "number" || !(rtt >= 0)) problems.push(`rtt.matrix.${from}.${to}: expected a round trip in ms`);
    }
    for (const kind of ["customers", "agents"] as const) {
      const count = inputs.populations[kind][from];
      if (typeof count !== "number" || !(count >= 0)) problems.push(`populations.${kind}.${from}: expected a count`);
    }
  }
  if (!regionIds.some((id) => (inputs.populations.agents[id] ?? 0) > 0)) problems.push("populations.agents: no region has agents");
  if (inputs.lastMile.p95OneWayMs < inputs.lastMile.medianOneWayMs) problems.push("lastMile: the 95th percentile is below the median");
  return problems;
}

/** The round trip between two regions; `withinRegionRttMs` when both places are in one. */
function rttBetween(inputs: Inputs, a: string, b: string): number {
  return a === b ? inputs.withinRegionRttMs.value : inputs.rtt.matrix[a]![b]!;
}

/** Where a region's customers are served: by its own agents, else by the region with agents nearest in round-trip time. */
export function servingRegion(inputs: Inputs, regionIds: readonly string[], customerRegion: string): string {
  const staffed = regionIds.filter((id) => (inputs.populations.agents[id] ?? 0) > 0);
  if (staffed.includes(customerRegion)) return customerRegion;
  return staffed.reduce((best, id) => (rttBetween(inputs, customerRegion, id) < rttBetween(inputs, customerRegion, best) ? id : best));
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const Z95 = 1.6448536269514722;

/** One customer's message: the random parts, drawn once and shared by every model. */
export interface Draw {
  readonly customerMs: number;
  readonly agentMs: number;
  /** One backbone factor per hop of PATH. */
  readonly jitter: readonly number[];
  /** The backbone factor of the customer's way to a central service. */
  readonly access: number;
}

function draw(inputs: Inputs, random: () => number): Draw {
  const { medianOneWayMs, p95OneWayMs } = inputs.lastMile;
  const lastMileSigma = Math.log(p95OneWayMs / medianOneWayMs) / Z95;
  const lastMile = () => medianOneWayMs * Math.exp(lastMileSigma * normal(random));
  return {
    customerMs: lastMile(),
    agentMs: lastMile(),
    jitter: PATH.map(() => Math.exp(inputs.backboneJitter.sigma * normal(random))),
    access: Math.exp(inputs.backboneJitter.sigma * normal(random)),
  };
}

/** The time from the customer's device to the agent's ring for one draw, in ms. */
export function ringMs(inputs: Inputs, model: Model, customerRegion: string, serving: string, sample: Draw): number {
  const siteRegion: Record<Site, string> = { home: inputs.home, customer: customerRegion, serving };
  const edgeRegion = model.edge === "home" ? inputs.home : customerRegion;
  const regionOf = (stop: Stop): string | null => {
    if (stop === "customer-edge") return edgeRegion;
    if (stop === "agent-edge") return serving;
    const site = model.places[stop];
    return site === null ? null : siteRegion[site];
  };
  let total = sample.customerMs + sample.agentMs;
  // A central service's customers cross the backbone to reach it (their last mile is counted apart).
  if (edgeRegion !== customerRegion) total += (rttBetween(inputs, customerRegion, edgeRegion) * sample.access) / 2;
  PATH.forEach((hop, index) => {
    const [from, to] = [regionOf(hop.from), regionOf(hop.to)];
    if (from === null || to === null) return;
    const rtt = rttBetween(inputs, from, to) * sample.jitter[index]!;
    total += (hop.trip === "round" ? rtt : rtt / 2) + (hop.service === "none" ? 0 : inputs.serviceMs[hop.service]);
  });
  return total;
}

export interface RegionFigures {
  readonly region: string;
  readonly customerShare: number;
  readonly servedFrom: string;
  /** Per model id: the ring times of this region's customers, in ms. */
  readonly samples: Readonly<Record<string, readonly number[]>>;
}

/**
 * Simulates `samplesPerRegion` first messages from the customers of each region under every model.
 * @example simulate(inputs, regions.regions.map((r) => r.id), { seed: 13, samplesPerRegion: 20_000 })
 */
export function simulate(
  inputs: Inputs,
  regionIds: readonly string[],
  { seed, samplesPerRegion }: { readonly seed: number; readonly samplesPerRegion: number },
): RegionFigures[] {
  const problems = inputProblems(inputs, regionIds);
  if (problems.length > 0) throw new Error(`The regions simulation's inputs are unusable:\n  - ${problems.join("\n  - ")}`);
  const random = seededRandom(seed);
  const totalCustomers = regionIds.reduce((sum, id) => sum + inputs.populations.customers[id]!, 0);
  return regionIds.map((region) => {
    const servedFrom = servingRegion(inputs, regionIds, region);
    const samples: Record<string, number[]> = Object.fromEntries(MODELS.map((model) => [model.id, []]));
    for (let i = 0; i < samplesPerRegion; i++) {
      const sample = draw(inputs, random);
      for (const model of MODELS) samples[model.id]!.push(ringMs(inputs, model, region, servedFrom, sample));
    }
    return { region, customerShare: inputs.populations.customers[region]! / totalCustomers, servedFrom, samples };
  });
}

/** The `ps`-th percentiles of every region's samples together, each region weighted by its share of customers. */
export function weightedPercentiles(figures: readonly RegionFigures[], modelId: string, ps: readonly number[]): number[] {
  const points = figures
    .flatMap((f) => f.samples[modelId]!.map((value) => ({ value, weight: f.customerShare / f.samples[modelId]!.length })))
    .sort((a, b) => a.value - b.value);
  const total = points.reduce((sum, point) => sum + point.weight, 0);
  return ps.map((p) => {
    let cumulative = 0;
    for (const point of points) {
      cumulative += point.weight;
      if (cumulative >= (p / 100) * total) return point.value;
    }
    return points.at(-1)?.value ?? NaN;
  });
}

const cell = (samples: readonly number[]) => `${percentile(samples, 50).toFixed(0)} / ${percentile(samples, 95).toFixed(0)}`;

/** The section's table: one row per customers' region, then every customer weighted by region. */
export function regionsRows(figures: readonly RegionFigures[]): string[] {
  const rows = figures.map(
    (f) =>
      `| ${f.region} | ${(f.customerShare * 100).toFixed(0)} % | ${f.servedFrom} | ${MODELS.map((m) => cell(f.samples[m.id]!)).join(" | ")} |`,
  );
  const all = MODELS.map(
    (m) =>
      `**${weightedPercentiles(figures, m.id, [50, 95])
        .map((ms) => ms.toFixed(0))
        .join(" / ")}**`,
  );
  return [
    `| customers' region | customers | agents' region | ${MODELS.map((m) => `${m.short}: p50 / p95 ms`).join(" | ")} |`,
    `|---|---:|---|${MODELS.map(() => "---:").join("|")}|`,
    ...rows,
    `| **every customer** | 100 % | | ${all.join(" | ")} |`,
  ];
}
