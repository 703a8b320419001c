/**
 * How fast a reservation rings: the time from `POST /Tasks` (HTTP) to the `reservation.created` frame
 * on the agent's live socket (`/api/realtime`), through a real `wrangler dev`, against a baseline
 * measured in the same run on the same socket: `POST /Workers/{WK}` with new attributes, the cheapest
 * HTTP → Durable Object → socket round trip (the Router records the change and pushes one frame).
 */
import { startDevServer } from "../test/support/dev-server";
import { apiFor } from "./api";
import { percentile } from "./report";

export interface RealtimeFigures {
  ring: number[];
  echo: number[];
}

export async function runRealtimeBench(samples = 300): Promise<RealtimeFigures> {
  const server = await startDevServer();
  const api = apiFor(server);
  try {
    const ws = (await api("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "bench-realtime", Template: "FIFO" })) as { sid: string };
    const base = `/taskrouter/v1/Workspaces/${ws.sid}`;
    const available = ((await api("GET", `${base}/Activities?FriendlyName=Available`)) as { activities: { sid: string }[] }).activities[0]!
      .sid;
    const workflow = ((await api("GET", `${base}/Workflows`)) as { workflows: { sid: string }[] }).workflows[0]!.sid;
    const worker = (await api("POST", `${base}/Workers`, { FriendlyName: "ada", ActivitySid: available })) as { sid: string };
    await api("POST", `${base}/Workers/${worker.sid}/Channels/default`, { Capacity: "50" });
    const { token } = (await api("POST", "/api/tokens", { WorkspaceSid: ws.sid, Role: "worker", WorkerSid: worker.sid })) as {
      token: string;
    };

    const socket = new WebSocket(`${server.baseUrl.replace("http", "ws")}/api/realtime?token=${encodeURIComponent(token)}`);
    const waiters: { match: (frame: Record<string, unknown>) => boolean; resolve: (at: number) => void }[] = [];
    socket.addEventListener("message", (event) => {
      const at = performance.now();
      if (event.data === "pong") return;
      const frame = JSON.parse(String(event.data)) as Record<string, unknown>;
      const i = waiters.findIndex((w) => w.match(frame));
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(at);
    });
    const frameWhere = (match: (frame: Record<string, unknown>) => boolean) =>
      new Promise<number>((resolve, reject) => {
        waiters.push({ match, resolve });
        setTimeout(() => reject(new Error("no frame within 10 s")), 10_000).unref();
      });
    await frameWhere((f) => f.type === "hello");
    const heartbeat = setInterval(() => socket.send("ping"), 10_000);

    const ring: number[] = [];
    const echo: number[] = [];
    // Warm-up, then interleave the two measurements so load drift weighs on both alike.
    for (let i = 0; i < samples + 20; i++) {
      let start = performance.now();
      const attributes = JSON.stringify({ n: i });
      const pushed = frameWhere(
        (f) => f.type === "worker.attributes.update" && (f.worker as { attributes: string }).attributes === attributes,
      );
      await api("POST", `${base}/Workers/${worker.sid}`, { Attributes: attributes });
      const echoed = (await pushed) - start;

      start = performance.now();
      const task = JSON.stringify({ n: i });
      const rang = frameWhere((f) => f.type === "reservation.created" && (f.task as { attributes: string }).attributes === task);
      const created = (await api("POST", `${base}/Tasks`, { WorkflowSid: workflow, Attributes: task })) as { sid: string };
      const rung = (await rang) - start;
      // Free the capacity again so every sample finds the agent ready.
      await api("POST", `${base}/Tasks/${created.sid}`, { AssignmentStatus: "canceled", Reason: "bench" });
      if (i >= 20) {
        echo.push(echoed);
        ring.push(rung);
      }
    }
    clearInterval(heartbeat);
    socket.close();
    return { ring, echo };
  } finally {
    await server.stop();
  }
}

export function realtimeRows(f: RealtimeFigures): string[] {
  const p = (xs: number[], q: number) => percentile(xs, q).toFixed(1);
  return [
    `| task created (HTTP) → \`reservation.created\` on the agent's socket | ${p(f.ring, 50)} ms | ${p(f.ring, 99)} ms |`,
    `| baseline: HTTP → Durable Object → socket (worker attributes update) | ${p(f.echo, 50)} ms | ${p(f.echo, 99)} ms |`,
    `| **ratio** (p50) | **${(percentile(f.ring, 50) / percentile(f.echo, 50)).toFixed(2)}×** | |`,
  ];
}
