/**
 * The supervisors' feed under a crowd: 1,000 supervisor WebSockets on one workspace through a real
 * `wrangler dev`, then the time from `POST /Tasks` (HTTP) until every one of them has the
 * `supervisor.delta` that reports the task, and what the connections cost in memory (the resident set
 * of the workerd processes before and after connecting, per connection). Changes are a little more
 * than a second apart, so each goes out at once rather than with the coalesced flush.
 */
import { readdirSync, readFileSync } from "node:fs";
import { startDevServer } from "../test/support/dev-server";
import { apiFor } from "./api";
import { percentile } from "./report";

export interface SupervisorsFigures {
  readonly connections: number;
  /** Milliseconds from the request to the last socket's delta, per change. */
  readonly fanout: number[];
  /** Milliseconds to open every socket and receive every snapshot. */
  readonly connectMs: number;
  readonly rssBefore: Rss;
  readonly rssAfter: Rss;
}

/** Resident bytes of wrangler's dev proxy (the workerd on the public port) and of the runtime (the Worker and the Durable Objects). */
export interface Rss {
  readonly proxy: number;
  readonly runtime: number;
}

/** The summed VmRSS (bytes) of every process whose command line names workerd, the one serving `port` apart. */
function workerdRss(port: string): Rss {
  const total = { proxy: 0, runtime: 0 };
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!command.includes("workerd")) continue;
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      if (kb) total[command.includes(`127.0.0.1:${port}`) ? "proxy" : "runtime"] += Number(kb) * 1024;
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runSupervisorsBench(connections = 1000, changes = 20): Promise<SupervisorsFigures> {
  const server = await startDevServer();
  const api = apiFor(server);
  const sockets: WebSocket[] = [];
  try {
    const ws = (await api("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "bench-supervisors", Template: "FIFO" })) as { sid: string };
    const base = `/taskrouter/v1/Workspaces/${ws.sid}`;
    const workflow = ((await api("GET", `${base}/Workflows`)) as { workflows: { sid: string }[] }).workflows[0]!.sid;
    const { token } = (await api("POST", "/api/tokens", { WorkspaceSid: ws.sid, Role: "supervisor" })) as { token: string };
    // Wake the Router DO, so its own memory is in the "before" figure.
    await api("GET", `${base}/TaskQueues/Statistics`);
    await sleep(500);
    const port = new URL(server.baseUrl).port;
    const rssBefore = workerdRss(port);

    // Every socket counts the delta that reports `expected` pending tasks; the last one resolves the change.
    let expected = -1;
    let got = 0;
    let done: ((at: number) => void) | null = null;
    let snapshots = 0;
    let allSnapshots: (() => void) | null = null;
    const url = `${server.baseUrl.replace("http", "ws")}/api/realtime?token=${encodeURIComponent(token)}`;
    const connectStart = performance.now();
    for (let i = 0; i < connections; i += 100) {
      const batch = Array.from({ length: Math.min(100, connections - i) }, () => {
        const socket = new WebSocket(url);
        sockets.push(socket);
        socket.addEventListener("message", (event) => {
          const at = performance.now();
          const frame = JSON.parse(String(event.data)) as { type: string; queues?: { tasks_by_status: { pending: number } }[] };
          if (frame.type === "supervisor.snapshot" && ++snapshots === connections) allSnapshots?.();
          if (frame.type !== "supervisor.delta" || !frame.queues?.some((q) => q.tasks_by_status.pending === expected)) return;
          if (++got === connections) done?.(at);
        });
        return new Promise<void>((resolve, reject) => {
          socket.addEventListener("open", () => resolve(), { once: true });
          socket.addEventListener("error", () => reject(new Error("a supervisor socket failed to open")), { once: true });
        });
      });
      await Promise.all(batch);
    }
    if (snapshots < connections) await new Promise<void>((resolve) => (allSnapshots = resolve));
    const connectMs = performance.now() - connectStart;
    await sleep(1000);
    const rssAfter = workerdRss(port);

    const fanout: number[] = [];
    for (let i = 1; i <= changes + 2; i++) {
      // More than a second after the last delta: this change goes out at once.
      await sleep(1100);
      got = 0;
      expected = i;
      const start = performance.now();
      const all = new Promise<number>((resolve, reject) => {
        done = resolve;
        setTimeout(() => reject(new Error(`change ${i}: only ${got} of ${connections} sockets got the delta within 30 s`)), 30_000).unref();
      });
      await api("POST", `${base}/Tasks`, { WorkflowSid: workflow, Attributes: JSON.stringify({ n: i }) });
      const at = await all;
      // The first two warm up.
      if (i > 2) fanout.push(at - start);
    }
    return { connections, fanout, connectMs, rssBefore, rssAfter };
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}

export function supervisorsRows(f: SupervisorsFigures): string[] {
  const p = (q: number) => percentile(f.fanout, q).toFixed(1);
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const kib = (key: keyof Rss) => ((f.rssAfter[key] - f.rssBefore[key]) / f.connections / 1024).toFixed(1);
  const before = f.rssBefore.proxy + f.rssBefore.runtime;
  const after = f.rssAfter.proxy + f.rssAfter.runtime;
  return [
    `| task created (HTTP) → \`supervisor.delta\` on all ${f.connections.toLocaleString("en")} sockets (${f.fanout.length} changes) | p50 ${p(50)} ms, p99 ${p(99)} ms |`,
    `| ${f.connections.toLocaleString("en")} sockets opened, every snapshot received | ${(f.connectMs / 1000).toFixed(1)} s |`,
    `| workerd resident memory (every workerd process) before → after connecting | ${mib(before)} → ${mib(after)} MiB |`,
    `| **per connection**, all workerd processes | **${((after - before) / f.connections / 1024).toFixed(1)} KiB** |`,
    `| of which the runtime (Worker and Durable Objects, each socket passing from the Worker to the Router DO) | ${kib("runtime")} KiB |`,
    `| of which wrangler's dev proxy in front of it (not deployed) | ${kib("proxy")} KiB |`,
  ];
}
