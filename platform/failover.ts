/**
 * Failover: while a region is down, new tasks that would be created there go to its partner
 * (regions.json `partner`) — if the workspace's jurisdiction allows the partner; otherwise they are
 * refused, never created outside it. This module owns when a region counts as down and where a new
 * task goes then; the callers (workers/api/taskrouter/placement.ts for the API, the ConversationDO for
 * its conversations' tasks) make the calls.
 *
 * A region is down when the operator says so (`REGIONS_DOWN`, a wrangler var: the simplest switch, and
 * one that every isolate reads), or when this isolate's calls to its Routers have thrown for
 * `FAILOVER_AFTER_SECONDS` (default 30) without one succeeding. Only a thrown call counts — the runtime's
 * "unreachable", "overloaded", a lost connection — never an answer: a Router that answers 400 or 404 is
 * up. The record is per isolate (each edge learns for itself, and a new isolate starts knowing nothing):
 * there is no shared place to keep it that would not itself be a region that can fail. A region down by
 * failures is asked again (`ping`, which changes nothing) at most once every {@link PROBE_EVERY_MS} by the
 * next task that would go there, and an answer brings it back at once. Tasks the region stored before
 * stay there (a task lives in exactly one Router); only new ones move.
 *
 * Pure: no `cloudflare:*` import; the clock is injected (the isolate's record uses `Date.now`).
 */
import { jurisdictionOf, regionAllowed } from "./jurisdictions";
import { regions as deployed, type Regions } from "./regions";

/** How long a region's calls must fail, without a success, before its new tasks go to its partner. */
export const DEFAULT_FAILOVER_AFTER_SECONDS = 30;
/** How often a region down by failures is asked again (by the next new task that would go there). */
export const PROBE_EVERY_MS = 5_000;
const MAX_FAILOVER_AFTER_SECONDS = 86_400;

/** The wrangler vars this module reads (platform/env.ts). */
export interface FailoverVars {
  /** Region ids separated by commas or spaces: marked down by the operator. */
  readonly REGIONS_DOWN?: string;
  /** Whole seconds of failing calls after which a region counts as down. */
  readonly FAILOVER_AFTER_SECONDS?: string;
}

export interface FailoverSettings {
  readonly down: ReadonlySet<string>;
  readonly afterMs: number;
}

/** Thrown by {@link failoverSettings}; `problems` holds one `VAR: message` line per problem. */
export class FailoverConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Failover configuration (wrangler vars) is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "FailoverConfigError";
    this.problems = problems;
  }
}

let remembered: { key: string; settings: FailoverSettings } | null = null;

/**
 * The deployment's failover settings from its vars, checked against regions.json: every problem at
 * once, so a typo in REGIONS_DOWN fails loudly instead of failing nothing over. Read on every new task
 * (an isolate's vars never change, so the answer is kept for the same text).
 * @throws {FailoverConfigError}
 * @example failoverSettings(env) // { down: Set {"us-east"}, afterMs: 30_000 } for REGIONS_DOWN="us-east"
 */
export function failoverSettings(vars: FailoverVars, deployment: Regions = deployed): FailoverSettings {
  const key = `${vars.REGIONS_DOWN ?? ""}\n${vars.FAILOVER_AFTER_SECONDS ?? ""}`;
  if (remembered?.key === key && deployment === deployed) return remembered.settings;
  const problems: string[] = [];
  const ids = deployment.regions.map((r) => r.id);
  const down = new Set<string>();
  for (const id of (vars.REGIONS_DOWN ?? "").split(/[\s,]+/).filter((s) => s !== "")) {
    if (ids.includes(id)) down.add(id);
    else problems.push(`REGIONS_DOWN: ${JSON.stringify(id)} is not one of the region ids (${ids.join(", ")})`);
  }
  const rawAfter = (vars.FAILOVER_AFTER_SECONDS ?? "").trim();
  const after = rawAfter === "" ? DEFAULT_FAILOVER_AFTER_SECONDS : Number(rawAfter);
  if (!/^\d*$/.test(rawAfter) || !Number.isInteger(after) || after < 1 || after > MAX_FAILOVER_AFTER_SECONDS)
    problems.push(
      `FAILOVER_AFTER_SECONDS: expected a whole number of seconds from 1 to ${MAX_FAILOVER_AFTER_SECONDS} (got ${JSON.stringify(rawAfter)})`,
    );
  if (problems.length > 0) throw new FailoverConfigError(problems);
  const settings = { down, afterMs: after * 1000 };
  if (deployment === deployed) remembered = { key, settings };
  return settings;
}

interface Failing {
  /** When the first of the failures since the last success happened. */
  readonly since: number;
  /** When the region was last tried (a failed call or a probe). */
  triedAt: number;
}

/**
 * One isolate's record of which regions' Router calls are failing, on an injected clock.
 * @example await regionHealth.observe("us-east", () => router.createTask(…)) // a throw is recorded, then rethrown
 */
export class RegionHealth {
  private readonly failing = new Map<string, Failing>();

  /** `clock` answers the time in ms; a test sets its own. */
  constructor(public clock: () => number) {}

  /** Runs a call to `region`'s Router: a throw is recorded as a failure and rethrown; any answer as a success. */
  async observe<T>(region: string, call: () => Promise<T>): Promise<T> {
    try {
      const answer = await call();
      this.failing.delete(region);
      return answer;
    } catch (error) {
      const now = this.clock();
      const failing = this.failing.get(region);
      if (failing) failing.triedAt = now;
      else this.failing.set(region, { since: now, triedAt: now });
      throw error;
    }
  }

  /** Whether `region`'s calls have failed for at least `afterMs` without a success. */
  isDown(region: string, afterMs: number): boolean {
    const failing = this.failing.get(region);
    return failing !== undefined && this.clock() - failing.since >= afterMs;
  }

  /** Whether the failing `region` is due to be asked again; answering true takes the turn, so only one request probes. */
  probeDue(region: string): boolean {
    const failing = this.failing.get(region);
    if (!failing || this.clock() - failing.triedAt < PROBE_EVERY_MS) return false;
    failing.triedAt = this.clock();
    return true;
  }
}

/** This isolate's record: the Worker's requests and the Durable Objects in it share it. */
export const regionHealth = new RegionHealth(() => Date.now());

/** Where a new task is created: the region wanted, or its partner (`failedOverFrom`); or a refusal to answer with 503. */
export type TaskPlacement =
  | { readonly ok: true; readonly region: string; readonly failedOverFrom?: string }
  | { readonly ok: false; readonly region: string; readonly message: string };

export interface FailoverDeps {
  readonly settings: FailoverSettings;
  readonly health: RegionHealth;
  /** Asks `region`'s Router whether it answers (a no-op call); throws when it does not. */
  readonly ping: (region: string) => Promise<unknown>;
}

/**
 * Where a new task of `workspaceSid` that would be created in `wanted` goes: `wanted` while it is up;
 * while it is down, its partner if the workspace's jurisdiction allows it and it is up; else a refusal
 * naming the region and why.
 * @example await regionForNewTask("WS…", "us-east", { settings, health: regionHealth, ping }) // { ok: true, region: "us-west", failedOverFrom: "us-east" }
 */
export async function regionForNewTask(
  workspaceSid: string,
  wanted: string,
  deps: FailoverDeps,
  deployment: Regions = deployed,
): Promise<TaskPlacement> {
  const wantedDown = await whyDown(wanted, deps);
  if (wantedDown === null) return { ok: true, region: wanted };
  const refuse = (why: string, until = wanted): TaskPlacement => ({
    ok: false,
    region: wanted,
    message: `Region ${wanted} is down (${wantedDown}) and ${why}; new tasks cannot be created until ${until} is back`,
  });
  const partner = deployment.regions.find((r) => r.id === wanted)?.partner;
  if (partner === undefined) return refuse("has no partner region");
  if (!regionAllowed(workspaceSid, partner, deployment))
    return refuse(
      `its partner ${partner} is outside this workspace's jurisdiction (${JSON.stringify(jurisdictionOf(workspaceSid, deployment))})`,
    );
  const partnerDown = await whyDown(partner, deps);
  if (partnerDown !== null) return refuse(`its partner ${partner} is down too (${partnerDown})`, "one of them");
  return { ok: true, region: partner, failedOverFrom: wanted };
}

/** Why `region` is down, or null when it is up (a region down by failures whose probe answers is up again). */
async function whyDown(region: string, { settings, health, ping }: FailoverDeps): Promise<string | null> {
  if (settings.down.has(region)) return "REGIONS_DOWN";
  if (!health.isDown(region, settings.afterMs)) return null;
  if (health.probeDue(region)) {
    const answered = await health
      .observe(region, () => ping(region))
      .then(
        () => true,
        () => false,
      );
    if (answered) return null;
  }
  return `its Router calls have failed for ${settings.afterMs / 1000} s`;
}
