/**
 * TaskRouter API throughput through a real `wrangler dev`: tasks created and reserved per second over
 * HTTP, as a ratio to an authenticated no-op Durable Object round trip (`/api/ping`) measured in the
 * same run with the same concurrency; and the cost of a statistics fetch with 10,000 pending tasks.
 */
import { startDevServer } from "../test/support/dev-server";
import { apiFor } from "./api";
import { percentile } from "./report";
import { regions } from "../platform/regions";

const CONCURRENCY = 8;
const TASKS_PER_REGION = 20;

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await f();
  return { value, ms: performance.now() - start };
}

/** Runs `count` calls with a fixed number in flight; returns per-call latencies and calls per second. */
async function load(count: number, call: (i: number) => Promise<void>): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        latencies.push((await timed(() => call(i))).ms);
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), latencies };
}

export interface TaskRouterFigures {
  pingPerSecond: number;
  tasksPerSecond: number;
  reservedShare: number;
  /** p50 of a sequential no-op round trip, measured next to the statistics fetches. */
  pingLatencyP50: number;
  statsP50: number;
  statsP99: number;
  pendingTasks: number;
  /** Workspace `/Statistics` p50 (one at a time) for a workspace whose tasks are in 1, 2 and 8 regions. */
  statsAcrossRegionsP50: ReadonlyMap<number, number>;
  tasksPerRegion: number;
  /**
   * Task created → reserved, one at a time: to a worker of the region it was created in, and created in
   * the home region then handed over to eu-ireland's Router by a target naming that region (issue 13).
   */
  reservedHere: number[];
  reservedAfterHandover: number[];
  /** Sequential no-op round trips measured alongside them. */
  handoverPings: number[];
}

const HANDOVER_SAMPLES = 40;

/**
 * Created → reserved in the task's own region vs. created in the home region (us-east) and handed over
 * to eu-ireland, interleaved. A handed-over task answers `pending` (the handover runs after the answer),
 * so its reservation is seen by reading the task until it says reserved; the own-region task's answer
 * already says so.
 */
async function handoverLatencies(api: ReturnType<typeof apiFor>) {
  const ws = (await api("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "bench-handover" })) as { sid: string };
  const base = `/taskrouter/v1/Workspaces/${ws.sid}`;
  const available = ((await api("GET", `${base}/Activities?FriendlyName=Available`)) as { activities: { sid: string }[] }).activities[0]!
    .sid;
  const queue = ((await api("POST", `${base}/TaskQueues`, { FriendlyName: "Everyone", TargetWorkers: "1==1" })) as { sid: string }).sid;
  for (const region of ["us-east", "eu-ireland"]) {
    const worker = (await api("POST", `${base}/Workers`, { FriendlyName: `agent-${region}`, ActivitySid: available, Region: region })) as {
      sid: string;
    };
    await api("POST", `${base}/Workers/${worker.sid}/Channels/default`, { Capacity: String(HANDOVER_SAMPLES + 10) });
  }
  const workflow = async (name: string, target: Record<string, string>) =>
    (
      (await api("POST", `${base}/Workflows`, {
        FriendlyName: name,
        Configuration: JSON.stringify({ task_routing: { filters: [{ expression: "1==1", targets: [{ queue, ...target }] }] } }),
      })) as { sid: string }
    ).sid;
  const here = await workflow("Here", {});
  const overflow = await workflow("To Dublin", { region: "eu-ireland" });
  const reservedHere: number[] = [];
  const reservedAfterHandover: number[] = [];
  const pings: number[] = [];
  for (let i = 0; i < HANDOVER_SAMPLES; i++) {
    pings.push((await timed(() => api("GET", "/api/ping"))).ms);
    reservedHere.push((await timed(() => api("POST", `${base}/Tasks`, { WorkflowSid: here, Attributes: "{}" }))).ms);
    reservedAfterHandover.push(
      (
        await timed(async () => {
          const task = (await api("POST", `${base}/Tasks`, { WorkflowSid: overflow, Attributes: "{}" })) as { sid: string };
          while (((await api("GET", `${base}/Tasks/${task.sid}`)) as { assignment_status: string }).assignment_status !== "reserved");
        })
      ).ms,
    );
  }
  return { reservedHere, reservedAfterHandover, handoverPings: pings };
}

export async function runTaskRouterBench(tasks = 1000, pending = 10_000): Promise<TaskRouterFigures> {
  const server = await startDevServer();
  const api = apiFor(server);
  try {
    await load(200, () => api("GET", "/api/ping").then(() => undefined)); // warm-up

    const ws = (await api("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "bench", Template: "FIFO" })) as { sid: string };
    const base = `/taskrouter/v1/Workspaces/${ws.sid}`;
    const activities = (await api("GET", `${base}/Activities?FriendlyName=Available`)) as { activities: { sid: string }[] };
    const available = activities.activities[0]!.sid;
    const workflows = (await api("GET", `${base}/Workflows`)) as { workflows: { sid: string }[] };
    const workflow = workflows.workflows[0]!.sid;
    for (let i = 0; i < 50; i++) {
      const worker = (await api("POST", `${base}/Workers`, { FriendlyName: `agent${i}`, ActivitySid: available })) as { sid: string };
      await api("POST", `${base}/Workers/${worker.sid}/Channels/default`, { Capacity: "50" });
    }
    let reserved = 0;
    const createTask = async (i: number) => {
      const task = (await api("POST", `${base}/Tasks`, { WorkflowSid: workflow, Attributes: JSON.stringify({ n: i }) })) as {
        assignment_status: string;
      };
      if (task.assignment_status === "reserved") reserved++;
    };
    await load(100, createTask); // warm-up: the Router's code paths and storage
    reserved = 0;
    // The baseline is measured before and after the tasks and averaged, so drift in the machine's
    // load during the run weighs on both sides of the ratio alike.
    const before = await load(tasks, () => api("GET", "/api/ping").then(() => undefined));
    const created = await load(tasks, createTask);
    const after = await load(tasks, () => api("GET", "/api/ping").then(() => undefined));
    const ping = { perSecond: (before.perSecond + after.perSecond) / 2 };
    console.log(
      `taskrouter: ping ${ping.perSecond.toFixed(0)}/s, tasks ${created.perSecond.toFixed(0)}/s (${((reserved / tasks) * 100).toFixed(0)} % reserved)`,
    );

    // A second workspace whose only queue has nobody in it: every task stays pending.
    const idle = (await api("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "bench-pending", Template: "FIFO" })) as { sid: string };
    const idleBase = `/taskrouter/v1/Workspaces/${idle.sid}`;
    const idleWorkflow = ((await api("GET", `${idleBase}/Workflows`)) as { workflows: { sid: string }[] }).workflows[0]!.sid;
    const queue = ((await api("GET", `${idleBase}/TaskQueues`)) as { task_queues: { sid: string }[] }).task_queues[0]!.sid;
    await load(pending, (i) =>
      api("POST", `${idleBase}/Tasks`, { WorkflowSid: idleWorkflow, Attributes: JSON.stringify({ n: i }) }).then(() => undefined),
    );
    // Sequential latencies, so the statistics fetch is compared with a no-op round trip under the same load.
    const pings: number[] = [];
    for (let i = 0; i < 200; i++) pings.push((await timed(() => api("GET", "/api/ping"))).ms);
    const stats: number[] = [];
    for (let i = 0; i < 100; i++) {
      stats.push((await timed(() => api("GET", `${idleBase}/TaskQueues/${queue}/Statistics`))).ms);
      stats.push((await timed(() => api("GET", `${idleBase}/Statistics`))).ms);
    }
    // The same fetch for workspaces whose tasks are in one, two and eight regions: the Worker reads the
    // workspace's regions, asks every region's Router and adds their figures up.
    const statsAcrossRegionsP50 = new Map<number, number>();
    for (const count of [1, 2, 8].filter((n) => n <= regions.regions.length)) {
      const spread = (await api("POST", "/taskrouter/v1/Workspaces", { FriendlyName: `bench-regions-${count}`, Template: "FIFO" })) as {
        sid: string;
      };
      const spreadBase = `/taskrouter/v1/Workspaces/${spread.sid}`;
      const spreadWorkflow = ((await api("GET", `${spreadBase}/Workflows`)) as { workflows: { sid: string }[] }).workflows[0]!.sid;
      for (const region of regions.regions.slice(0, count))
        for (let i = 0; i < TASKS_PER_REGION; i++)
          await api("POST", `${spreadBase}/Tasks`, { WorkflowSid: spreadWorkflow, Attributes: "{}", Region: region.id });
      const fetches: number[] = [];
      for (let i = 0; i < 100; i++) fetches.push((await timed(() => api("GET", `${spreadBase}/Statistics`))).ms);
      statsAcrossRegionsP50.set(count, percentile(fetches, 50));
    }
    const handovers = await handoverLatencies(api);
    return {
      ...handovers,
      statsAcrossRegionsP50,
      tasksPerRegion: TASKS_PER_REGION,
      pingPerSecond: ping.perSecond,
      tasksPerSecond: created.perSecond,
      reservedShare: reserved / tasks,
      pingLatencyP50: percentile(pings, 50),
      statsP50: percentile(stats, 50),
      statsP99: percentile(stats, 99),
      pendingTasks: pending,
    };
  } finally {
    await server.stop();
  }
}
