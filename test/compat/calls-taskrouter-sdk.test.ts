/**
 * TaskRouter's voice instructions and a call handed on, against the real LiveKit server and `wrangler dev`
 * (issue 15), with LiveKit's own `RoomServiceClient` saying who is in the room at each step:
 * - the stock `twilio-taskrouter` SDK (worker Ann) gets a visitor's call task and answers it with
 *   `reservation.conference()`; Ann joins the call's room (`@livekit/rtc-node`, media connected) and the
 *   call is `connected`;
 * - a supervisor listens (Mode=monitor): LiveKit lists them hidden, and the customer's client is never
 *   told of them;
 * - Ann transfers the call cold to Bob: LiveKit lists the customer still in the room and Ann gone; Bob
 *   accepts, joins, and the call is connected again — the customer never left;
 * - a warm transfer: Ann consults Bob (the customer held), Bob joins — LiveKit lists all three — and on
 *   complete Ann is taken out: the customer and Bob remain.
 */
import { once } from "node:events";
import twilio from "twilio";
import type { Reservation, Worker as SdkWorker } from "twilio-taskrouter";
import { RoomEvent } from "@livekit/rtc-node";
import { RoomServiceClient } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually } from "../support/eventually";
import { getJson, ok, post, roomJoiner, SHOP, visitorCalls, type Json } from "./call-scene";

const off = inject("livekitOff");

describe.skipIf(off !== "")(`voice instructions and transfers on the real LiveKit server${off ? ` — skipped: ${off}` : ""}`, () => {
  let ws = "";
  let widgetBase = "";
  let available = "";
  let offline = "";
  const people = { ann: { sid: "", token: "" }, bob: { sid: "", token: "" } };
  let supervisorToken = "";
  let worker: SdkWorker;
  let rooms: RoomServiceClient;
  const { join, leaveAll } = roomJoiner();
  const get = getJson;
  const callOf = async (room: string) => (await get(`/api/conversations/${room}/call`, supervisorToken)).call as Json;
  const callUntil = (room: string, what: string, wanted: (call: Json) => boolean) =>
    eventually(async () => {
      const call = await callOf(room);
      return wanted(call) ? call : undefined;
    }, what);
  /** Who LiveKit says is in the room (the hold-music player aside): identity → hidden. */
  const inRoom = async (room: string) =>
    Object.fromEntries(
      (await rooms.listParticipants(room))
        .filter((p) => p.attributes["switchboard.role"] !== "hold")
        .map((p) => [p.identity, p.permission?.hidden ?? false]),
    );
  /** A media token of the conversation's call (once the conversation has heard the accept: it polls). */
  const mediaToken = (room: string, token: string, params?: Record<string, string>) =>
    eventually(async () => {
      const res = await fetch(`${inject("baseUrl")}/api/conversations/${room}/media-token`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, ...(params ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
        ...(params ? { body: new URLSearchParams(params).toString() } : {}),
      });
      return res.status === 200 ? ((await res.json()) as { url: string; token: string; identity: string }) : undefined;
    }, "a media token");

  beforeAll(async () => {
    rooms = new RoomServiceClient(inject("livekitUrl"), inject("livekitApiKey"), inject("livekitApiSecret"));
    ws = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "voice instructions", Template: "FIFO" })).sid as string;
    const activities = (await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Activities`)).activities as { sid: string; available: boolean }[];
    available = activities.find((a) => a.available)!.sid;
    offline = (activities as { sid: string; friendly_name?: string }[]).find((a) => a.friendly_name === "Offline")!.sid;
    for (const [name, person] of Object.entries(people)) {
      person.sid = (await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, { FriendlyName: name })).sid as string;
      person.token = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "worker", WorkerSid: person.sid })).token as string;
    }
    const sue = (await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, { FriendlyName: "Sue" })).sid as string;
    supervisorToken = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "supervisor", WorkerSid: sue })).token as string;
    const channel = (await ok("POST", `/api/workspaces/${ws}/channels`, { Kind: "webchat", "Settings.allowed_origins": SHOP }))
      .sid as string;
    widgetBase = `/api/webchat/${ws}/${channel}`;

    // Ann works through the stock SDK, with an AccessToken the stock twilio package mints.
    const accountSid = inject("accountSid");
    const access = new twilio.jwt.AccessToken(accountSid, accountSid, inject("authToken"), { identity: "ann", ttl: 3600 });
    access.addGrant(new twilio.jwt.AccessToken.TaskRouterGrant({ workspaceSid: ws, workerSid: people.ann.sid, role: "worker" }));
    globalThis.WebSocket = (await import("ws")).default as unknown as typeof WebSocket;
    const sdk = (await import("twilio-taskrouter")).default as unknown as typeof import("twilio-taskrouter");
    const host = new URL(inject("baseUrl")).host;
    worker = new sdk.Worker(access.toJwt(), {
      ebServer: `${inject("baseUrl")}/v1/wschannels`,
      wsServer: `ws://${host}/v1/wschannels`,
      logLevel: "silent",
    });
    await once(worker, "ready");
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers/${people.ann.sid}`, { ActivitySid: available });
  }, 60_000);

  afterAll(async () => {
    worker?.disconnect();
    await leaveAll();
  });

  it("reservation.conference() accepts the call's task; Ann joins the room and the call is connected; a monitor is hidden; a cold transfer keeps the customer in the room", async () => {
    // A visitor calls from the widget and joins.
    const reserved = once(worker, "reservationCreated");
    const { session, call, media } = await visitorCalls(widgetBase, "Casey");
    const room = call.room;
    const customer = await join(media);

    // The stock SDK answers with the voice instruction: the reservation is accepted.
    const [reservation] = (await reserved) as [Reservation];
    expect(reservation.task.sid).toBe(call.task_sid);
    expect(reservation.task.taskChannelUniqueName).toBe("voice");
    const accepted = once(reservation, "accepted");
    await reservation.conference({ from: "+15550100", to: "client:ann" });
    await accepted;
    expect((await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${call.task_sid}`)).assignment_status).toBe("assigned");

    // What conference means here: Ann joins the call's room, and the call is connected once she is in.
    const annMedia = await mediaToken(room, people.ann.token);
    expect(annMedia.identity).toBe(people.ann.sid);
    const ann = await join(annMedia);
    const connected = await callUntil(room, "the call connected", (c) => c.state === "connected");
    expect((connected.parties as { identity: string }[]).map((p) => p.identity).sort()).toEqual(
      [people.ann.sid, session.visitor_id].sort(),
    );

    // A supervisor listens: LiveKit lists them hidden, and the customer's client never hears of them.
    const monitorMedia = await mediaToken(room, supervisorToken, { Mode: "monitor" });
    const told: string[] = [];
    customer.on(RoomEvent.ParticipantConnected, (p) => told.push(p.identity));
    await join(monitorMedia);
    await eventually(async () => ((await inRoom(room))[monitorMedia.identity] === true ? true : undefined), "the monitor listed hidden");
    expect(told).not.toContain(monitorMedia.identity);
    expect((await callOf(room)).parties as { identity: string }[]).not.toContainEqual(
      expect.objectContaining({ identity: monitorMedia.identity }),
    );

    // Ann hands the call to Bob, cold: she is taken out, the customer stays in the room, waiting.
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers/${people.bob.sid}`, { ActivitySid: available });
    const transferred = await post(`/api/conversations/${room}/transfer`, people.ann.token, {
      TargetType: "worker",
      TargetSid: people.bob.sid,
    });
    expect(transferred.status).toBe(200);
    const next = transferred.body.taskSid as string;
    await eventually(async () => (people.ann.sid in (await inRoom(room)) ? undefined : true), "Ann out of the room");
    expect(Object.keys(await inRoom(room))).toContain(session.visitor_id);
    expect((await callOf(room)).state).toBe("waiting");
    await eventually(() => (ann.isConnected ? undefined : true), "Ann's client told it was removed");

    // Bob accepts over REST and joins: connected again, with the customer who never left.
    const bobsReservation = await eventually(async () => {
      const list = (await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${next}/Reservations?ReservationStatus=pending`))
        .reservations as Json[];
      return list[0];
    }, "Bob's reservation");
    expect(bobsReservation.worker_sid).toBe(people.bob.sid);
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${next}/Reservations/${bobsReservation.sid}`, {
      ReservationStatus: "accepted",
    });
    await join(await mediaToken(room, people.bob.token));
    const again = await callUntil(room, "connected with Bob", (c) => c.state === "connected");
    expect((again.parties as { identity: string }[]).map((p) => p.identity).sort()).toEqual([people.bob.sid, session.visitor_id].sort());
    const listed = await inRoom(room);
    expect(Object.keys(listed).sort()).toEqual([people.bob.sid, session.visitor_id, monitorMedia.identity].sort());
    expect((await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${call.task_sid}`)).assignment_status).toBe("wrapping");
  }, 120_000);

  it("a warm transfer: consulted, Bob joins beside the held customer; completed, Ann leaves and the customer stays with Bob", async () => {
    // Everyone's earlier tasks end, so Ann (through the SDK) is offered the next call.
    for (const status of ["assigned", "wrapping"]) {
      const open = (await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks?AssignmentStatus=${status}`)).tasks as Json[];
      for (const t of open) await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${t.sid}`, { AssignmentStatus: "completed" });
    }
    // Bob is away while the call is offered: it goes to Ann.
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers/${people.bob.sid}`, { ActivitySid: offline });
    const reserved = once(worker, "reservationCreated");
    const { session, call, media } = await visitorCalls(widgetBase, "Dana");
    const room = call.room;
    await join(media);
    const [reservation] = (await reserved) as [Reservation];
    const accepted = once(reservation, "accepted");
    await reservation.dequeue();
    await accepted;
    await join(await mediaToken(room, people.ann.token));
    await callUntil(room, "connected with Ann", (c) => c.state === "connected");

    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers/${people.bob.sid}`, { ActivitySid: available });
    const consult = await post(`/api/conversations/${room}/call/consult`, people.ann.token, {
      TargetType: "worker",
      TargetSid: people.bob.sid,
    });
    expect(consult.status).toBe(201);
    expect(consult.body.call).toMatchObject({ state: "held", consult: { target_sid: people.bob.sid, worker_sid: null } });
    const consultTask = consult.body.task_sid as string;
    const bobsReservation = await eventually(async () => {
      const list = (await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${consultTask}/Reservations?ReservationStatus=pending`))
        .reservations as Json[];
      return list[0];
    }, "Bob's consult reservation");
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${consultTask}/Reservations/${bobsReservation.sid}`, {
      ReservationStatus: "accepted",
    });
    await callUntil(room, "Bob named on the consult", (c) => (c.consult as Json | null)?.worker_sid === people.bob.sid);
    await join(await mediaToken(room, people.bob.token));
    await eventually(async () => (Object.keys(await inRoom(room)).length === 3 ? true : undefined), "all three in the room");
    expect(Object.keys(await inRoom(room)).sort()).toEqual([people.ann.sid, people.bob.sid, session.visitor_id].sort());
    expect((await callOf(room)).state).toBe("held");

    const completed = await post(`/api/conversations/${room}/call/consult/complete`, people.ann.token, {});
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ state: "connected", consult: null, task_sid: consultTask });
    await eventually(async () => (people.ann.sid in (await inRoom(room)) ? undefined : true), "Ann out of the room");
    expect(Object.keys(await inRoom(room)).sort()).toEqual([people.bob.sid, session.visitor_id].sort());
    expect((await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${call.task_sid}`)).assignment_status).toBe("wrapping");
  }, 120_000);
});
