/**
 * Calls against the real LiveKit server the suite runs beside `wrangler dev` (test/compat/server.ts):
 * the Worker's media-token routes mint tokens that server accepts, for the room named for the
 * conversation. LiveKit's own `RoomServiceClient` sees the room and who is in it with what they may do;
 * the server itself refuses a monitor's attempt to publish (and a customer's screen-share audio), and a
 * customer's token gets into its conversation's room only — rewritten to name another, LiveKit refuses it,
 * and as an API credential it may look at no room. Joining is LiveKit's signalling (test/support/livekit-signal.ts);
 * the media itself is test/e2e/calls.test.ts's.
 */
import { RoomServiceClient, TrackSource } from "livekit-server-sdk";
import { RequestResponse_Reason } from "@livekit/protocol";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { callScene, post, type CallScene, type Json, type Minted } from "./call-scene";
import { joinSignal, SignalRefused, type SignalClient } from "../support/livekit-signal";

const off = inject("livekitOff");

/** A JWT with its payload changed and its signature kept, as someone trying another room would make it. */
function rewritten(token: string, change: (claims: Json) => void): string {
  const [head, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Json;
  change(claims);
  return [head, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");
}

describe.skipIf(off !== "")(`calls on the real LiveKit server${off ? ` — skipped: ${off}` : ""}`, () => {
  let rooms: RoomServiceClient;
  let scene: CallScene;
  const joined: SignalClient[] = [];
  const join = async (token: Minted) => {
    const client = await joinSignal(token.url, token.token);
    joined.push(client);
    return client;
  };

  beforeAll(async () => {
    rooms = new RoomServiceClient(inject("livekitUrl"), inject("livekitApiKey"), inject("livekitApiSecret"));
    scene = await callScene();
  }, 60_000);

  afterAll(async () => {
    for (const client of joined) client.close();
    for (const room of [scene?.conversation, scene?.other]) if (room) await rooms?.deleteRoom(room).catch(() => {});
  });

  it("the Worker's tokens join the room named for the conversation, where RoomServiceClient sees each with their permissions", async () => {
    const agent = await scene.agentToken();
    const customer = await scene.customerToken();
    const monitor = await scene.monitorToken();
    expect(new Set([agent.url, customer.url, monitor.url])).toEqual(new Set([inject("livekitUrl")]));
    expect([agent.room, customer.room, monitor.room]).toEqual([scene.conversation, scene.conversation, scene.conversation]);

    const agentJoin = await join(agent);
    expect(agentJoin.join.room?.name).toBe(scene.conversation);
    expect(agentJoin.join.participant?.identity).toBe(agent.identity);
    await join(customer);
    const monitorJoin = await join(monitor);
    expect(monitorJoin.join.room?.name).toBe(scene.conversation);

    expect((await rooms.listRooms([scene.conversation])).map((room) => room.name)).toEqual([scene.conversation]);
    // Who joined, and the media service's hold music while the call waits (not one of them).
    const everyone = await rooms.listParticipants(scene.conversation);
    const people = new Map(everyone.filter((p) => p.attributes["switchboard.role"] !== "hold").map((p) => [p.identity, p]));
    expect([...people.keys()].sort()).toEqual([agent.identity, customer.identity, monitor.identity].sort());
    expect(customer.identity).toBe(scene.visitor.id);
    expect(people.get(customer.identity)?.name).toBe("Casey");
    expect(people.get(agent.identity)?.attributes).toEqual({ "switchboard.role": "agent" });
    expect(people.get(customer.identity)?.permission).toMatchObject({
      canPublish: true,
      canSubscribe: true,
      canPublishData: true, // the keypad's DTMF tones, for a flow's menu
      hidden: false,
    });
    expect(people.get(monitor.identity)?.permission).toMatchObject({
      canPublish: false,
      canSubscribe: true,
      canPublishData: false,
      hidden: true,
    });
    // The others are not told a monitor is there: what the agent was sent on joining names the customer at most.
    expect(agentJoin.join.otherParticipants.map((p) => p.identity)).not.toContain(monitor.identity);
  });

  it("the server refuses a monitor's attempt to publish, and a customer's screen-share audio; it takes the agent's microphone and the customer's camera", async () => {
    const monitor = await join(await scene.monitorToken());
    const refusedMonitor = await monitor.publish(TrackSource.MICROPHONE);
    expect("refused" in refusedMonitor && refusedMonitor.refused.reason).toBe(RequestResponse_Reason.NOT_ALLOWED);

    const agent = await join(await scene.agentToken());
    expect("published" in (await agent.publish(TrackSource.MICROPHONE))).toBe(true);

    const customer = await join(await scene.customerToken());
    expect("published" in (await customer.publish(TrackSource.CAMERA))).toBe(true);
    const screenAudio = await customer.publish(TrackSource.SCREEN_SHARE_AUDIO);
    expect("refused" in screenAudio && screenAudio.refused.reason).toBe(RequestResponse_Reason.NOT_ALLOWED);
  });

  it("a customer's token gets into their conversation's room only", async () => {
    const customer = await scene.customerToken();
    // Rewritten to name Ann's other conversation, its signature no longer holds: LiveKit refuses the join.
    const elsewhere = rewritten(customer.token, (claims) => ((claims.video as Json).room = scene.other));
    const attempt = await joinSignal(customer.url, elsewhere).then(
      () => null,
      (error: unknown) => error,
    );
    expect(attempt).toBeInstanceOf(SignalRefused);
    expect((attempt as SignalRefused).status).toBe(401);

    // As a credential for LiveKit's API, it may look at no room: not even its own.
    const twirp = await fetch(`${customer.url.replace(/^ws/, "http")}/twirp/livekit.RoomService/ListParticipants`, {
      method: "POST",
      headers: { authorization: `Bearer ${customer.token}`, "content-type": "application/json" },
      body: JSON.stringify({ room: scene.other }),
    });
    expect(twirp.status).toBe(401);

    // And the Worker mints a visitor's token for their own conversation, never another's: it takes no room to name.
    const named = await post(`${scene.widgetBase}/media-token`, scene.visitor.token, { room: scene.other });
    expect(named.status).toBe(400);
    expect(String(named.body.message)).toContain("room");
    expect(await rooms.listRooms([scene.other])).toEqual([]);
  });
});
