/**
 * The agent's live channel through a real `wrangler dev`, as a browser would use it: a token from
 * POST /api/tokens, a WebSocket to /api/realtime, a reservation that rings on it when the stock
 * `twilio` client creates a task, an accept over the socket, and a reconnect that replays what was sent.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { raw, switchboardClient } from "./client";

type Frame = Record<string, unknown> & { type: string; seq?: number };

function connect(token: string, since?: number) {
  const url = `${inject("baseUrl").replace("http", "ws")}/api/realtime?token=${encodeURIComponent(token)}${since === undefined ? "" : `&since=${since}`}`;
  const socket = new WebSocket(url);
  const frames: Frame[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  socket.addEventListener("message", (event) => {
    if (event.data !== "pong") frames.push(JSON.parse(String(event.data)) as Frame);
  });
  const next = async (match: (frame: Frame) => boolean, what: string): Promise<Frame> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} frame; got ${frames.map((f) => f.type).join(", ")}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { socket, frames, next, closed };
}

describe("live channel", () => {
  it("rings a reservation, accepts it over the socket, and replays after a reconnect", async () => {
    const client = switchboardClient();
    const workspace = await client.taskrouter.v1.workspaces.create({
      friendlyName: `compat-live-${randomUUID().slice(0, 8)}`,
      template: "FIFO",
    });
    const ws = client.taskrouter.v1.workspaces(workspace.sid);
    const available = (await ws.activities.list({ friendlyName: "Available" }))[0]!.sid;
    const workflow = (await ws.workflows.list())[0]!.sid;
    const worker = await ws.workers.create({ friendlyName: "ada", activitySid: available });
    const minted = await raw("POST", "/api/tokens", { WorkspaceSid: workspace.sid, Role: "worker", WorkerSid: worker.sid });
    expect(minted.status).toBe(200);
    const { token } = minted.body as { token: string };

    const live = connect(token);
    expect((await live.next((f) => f.type === "hello", "hello")).type).toBe("hello");
    const task = await ws.tasks.create({ workflowSid: workflow, attributes: JSON.stringify({ type: "support" }) });
    const rang = await live.next((f) => f.type === "reservation.created", "reservation.created");
    const reservation = rang.reservation as { sid: string; task_sid: string };
    expect(reservation.task_sid).toBe(task.sid);

    live.socket.send(JSON.stringify({ type: "accept", id: 7, reservation_sid: reservation.sid }));
    expect(await live.next((f) => f.type === "ack" && f.id === 7, "ack")).toMatchObject({ type: "ack", id: 7 });
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe("assigned");
    const lastSeq = Math.max(...live.frames.map((f) => f.seq ?? 0));
    live.socket.close();
    await live.closed;

    // Reconnecting from the start replays every frame sent so far, in order.
    const again = connect(token, 0);
    await again.next((f) => f.type === "reservation.accepted", "replayed reservation.accepted");
    const replayed = again.frames.filter((f) => f.seq !== undefined).map((f) => f.seq);
    expect(replayed).toEqual([...replayed].sort((a, b) => a! - b!));
    expect(Math.max(...(replayed as number[]))).toBe(lastSeq);
    again.socket.close();
  });

  it("closes with 4401 when the token is bad, after upgrading so a browser can read why", async () => {
    const live = connect("not-a-token");
    expect((await live.closed).code).toBe(4401);
  });
});
