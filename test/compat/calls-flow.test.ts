/**
 * A call's life against the real LiveKit server and `wrangler dev` (issue 15): the suite's LiveKit sends
 * its webhooks to the Worker (test/compat/server.ts), so who is in the room is the real server's word.
 * A visitor starts a call from the widget's route; joined with the token it answers (with media
 * connected: `@livekit/rtc-node`, as the media service joins — LiveKit reports only a participant whose
 * media connected as joined), they appear in the call's parties; the agent the Router
 * offered the task accepts it over REST, joins, and the call is connected; the visitor hangs up and the
 * agent's reservation goes to wrap-up. A second visitor who leaves while queued abandons their call:
 * its task is canceled and TaskRouter's statistics count it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually } from "../support/eventually";
import { getJson, ok, post, roomJoiner, SHOP, visitorCalls, type Json } from "./call-scene";

const off = inject("livekitOff");

describe.skipIf(off !== "")(`a call's life on the real LiveKit server${off ? ` — skipped: ${off}` : ""}`, () => {
  let ws = "";
  let widgetBase = "";
  let ann = "";
  let annToken = "";
  const { join, leaveAll } = roomJoiner();
  const get = getJson;
  const callOf = async (conversation: string) => (await get(`/api/conversations/${conversation}/call`, annToken)).call as Json;
  const taskOf = (taskSid: string) => ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`);

  const visitor = (name: string) => visitorCalls(widgetBase, name);

  beforeAll(async () => {
    ws = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "call flow", Template: "FIFO" })).sid as string;
    ann = (await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, { FriendlyName: "Ann" })).sid as string;
    const activities = (await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Activities`)).activities as { sid: string; available: boolean }[];
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers/${ann}`, { ActivitySid: activities.find((a) => a.available)!.sid });
    annToken = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "worker", WorkerSid: ann })).token as string;
    const channel = (await ok("POST", `/api/workspaces/${ws}/channels`, { Kind: "webchat", "Settings.allowed_origins": SHOP }))
      .sid as string;
    widgetBase = `/api/webchat/${ws}/${channel}`;
  }, 60_000);

  afterAll(async () => {
    await leaveAll();
  });

  it("customer calls and joins, the agent accepts and joins, the customer hangs up: the agent wraps up", async () => {
    const casey = await visitor("Casey");
    expect(casey.call).toMatchObject({ state: "waiting" });
    const task = await taskOf(casey.call.task_sid);
    expect(task.task_channel_unique_name).toBe("voice");

    await join(casey.media);
    // LiveKit's participant_joined webhook, signed with the run's key, puts the visitor in the parties.
    await eventually(async () => {
      const call = await callOf(casey.call.room);
      return (call.parties as { identity: string }[]).some((p) => p.identity === casey.session.visitor_id) ? call : undefined;
    }, "the customer in the call's parties");

    // The Router offered Ann the call's task (FIFO); she accepts it over REST, as the desk does.
    const reservation = await eventually(async () => {
      const list = (await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${casey.call.task_sid}/Reservations`)).reservations as {
        sid: string;
      }[];
      return list[0];
    }, "Ann's reservation");
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${casey.call.task_sid}/Reservations/${reservation.sid}`, {
      ReservationStatus: "accepted",
    });
    // Accepted, she is the conversation's agent (the queue hands the event to the conversation): her token.
    const agentMedia = await eventually(async () => {
      const res = await fetch(`${inject("baseUrl")}/api/conversations/${casey.call.room}/media-token`, {
        method: "POST",
        headers: { authorization: `Bearer ${annToken}` },
      });
      return res.status === 200 ? ((await res.json()) as { url: string; token: string }) : undefined;
    }, "Ann's media token");
    await join(agentMedia);
    const connected = await eventually(async () => {
      const call = await callOf(casey.call.room);
      return call.state === "connected" ? call : undefined;
    }, "the call connected");
    expect((connected.parties as { role: string }[]).map((p) => p.role).sort()).toEqual(["agent", "customer"]);

    const hung = await post(`${widgetBase}/call/hangup`, casey.token, {});
    // Status and body together, so a refusal shows its reason.
    expect(hung).toMatchObject({ status: 200, body: { state: "ended", end_reason: "completed" } });
    await eventually(
      async () => ((await taskOf(casey.call.task_sid)).assignment_status === "wrapping" ? true : undefined),
      "the task wrapping",
    );
    const reserved = await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${casey.call.task_sid}/Reservations/${reservation.sid}`);
    expect(reserved.reservation_status).toBe("wrapping");
  });

  it("a second customer who leaves while queued abandons the call: its task canceled, counted by TaskRouter", async () => {
    const dana = await visitor("Dana");
    const room = await join(dana.media);
    await eventually(async () => (((await callOf(dana.call.room)).parties as unknown[]).length > 0 ? true : undefined), "Dana in the room");
    await room.disconnect();
    const ended = await eventually(
      async () => {
        const call = await callOf(dana.call.room);
        return call.state === "ended" ? call : undefined;
        // After the grace (15 s) that keeps a reloading caller's place: LiveKit's "on purpose" is not trusted.
      },
      "the call abandoned",
      45_000,
    );
    expect(ended.end_reason).toBe("abandoned");
    const task = await eventually(async () => {
      const t = await taskOf(dana.call.task_sid);
      return t.assignment_status === "canceled" ? t : undefined;
    }, "the task canceled");
    expect(String(task.reason)).toContain("abandoned");
    const stats = await ok("GET", `/taskrouter/v1/Workspaces/${ws}/CumulativeStatistics`);
    expect(Number(stats.tasks_canceled)).toBeGreaterThanOrEqual(1);
  });
});
