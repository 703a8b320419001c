/**
 * What the browser tests of a call between the real widget and real desks share (widget-to-desk.test.ts,
 * desk-transfers.test.ts): the team's workers taking calls, a second agent who signs in, the visitor
 * pressing Call or Video in the widget, an agent accepting in the desk — and WebRTC's statistics of the
 * widget per sender. The widget keeps its room to itself, so its page gets {@link TRACK_SENDERS}, an init
 * script that remembers, for each peer connection's incoming track, the stream it came in — LiveKit names
 * a subscribed stream `<participant SID>|<track SID>` — so what the customer receives can be summed per
 * participant, and the desk tells its own participant SID (`window.__sbCallRooms`).
 */
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { grows } from "./call-pages";
import { PASSWORD, rest, WAIT, type TeamSite } from "./desk-team";

export const LONG = { timeout: 60_000 };

/** The team of desk-team.ts's `chatTeam` (or a `deskScene`'s). */
export interface CallTeam {
  readonly ws: Awaited<ReturnType<typeof import("./desk-team").chatTeam>>["ws"];
  readonly workspace: { readonly sid: string };
  readonly worker: { readonly sid: string };
  readonly suffix: string;
  readonly site: TeamSite;
}

/** A worker takes one voice or video call at a time (the workspace's voice and video channels made if missing). */
export async function takeCalls(team: CallTeam, workerSid = team.worker.sid): Promise<void> {
  const channels = await team.ws.taskChannels.list();
  for (const kind of ["voice", "video"])
    if (!channels.some((c) => c.uniqueName === kind)) await team.ws.taskChannels.create({ friendlyName: kind, uniqueName: kind });
  for (const kind of ["voice", "video"]) await team.ws.workers(workerSid).workerChannels(kind).update({ capacity: 1, available: true });
}

/** A second agent of the team (Offline until they say otherwise, taking chats and calls) who signs in with the password. */
export async function secondAgent(team: CallTeam, name: string): Promise<{ workerSid: string; email: string }> {
  const offline = (await team.ws.activities.list()).find((a) => a.friendlyName === "Offline")!.sid;
  const worker = await team.ws.workers.create({ friendlyName: name, activitySid: offline, attributes: JSON.stringify({ team: "Tier 2" }) });
  await team.ws.workers(worker.sid).workerChannels("chat").update({ capacity: 2, available: true });
  await takeCalls(team, worker.sid);
  const email = `${name.split(" ")[0]!.toLowerCase()}-${team.suffix}@example.com`;
  const user = await rest("POST", "/api/users", [
    ["Email", email],
    ["FriendlyName", name],
    ["Role", "agent"],
    ["WorkspaceSid", team.workspace.sid],
    ["Password", PASSWORD],
    ["WorkerSid", worker.sid],
  ]);
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  return { workerSid: worker.sid, email };
}

/** The visitor on the team's site opens the widget, gives name and email, and presses Call (or Video); answers the widget. */
export async function visitorPressesCall(page: Page, site: TeamSite, name: string, kind: "voice" | "video"): Promise<Locator> {
  await page.goto(site.origin);
  const widget = page.locator("switchboard-chat");
  await widget.getByRole("button", { name: "Open chat" }).click(WAIT);
  await widget.getByLabel("Name").fill(name);
  await widget.getByLabel("Email").fill(`${name.split(" ")[0]!.toLowerCase()}@example.com`);
  await widget.getByRole("button", { name: "Start chat" }).click();
  await widget.getByRole("button", { name: kind === "voice" ? "Start a voice call" : "Start a video call" }).click(WAIT);
  await expect.poll(() => callLine(widget).textContent(), WAIT).toMatch(/^Waiting for an agent/);
  return widget;
}

/** The widget's call state line. */
export const callLine = (widget: Locator): Locator => widget.locator(".callbar [role=status]");

/** The agent accepts the ringing call from the keyboard; answers the canvas's call panel once Connected. */
export async function agentAccepts(agent: Page, ring: string, panel: "Voice call" | "Video call"): Promise<Locator> {
  await agent.getByRole("group", { name: ring }).waitFor(LONG);
  await agent.keyboard.press("Alt+KeyA");
  const call = agent.locator("section.sb-task:not([hidden])").getByRole("region", { name: panel });
  await call.getByRole("status").filter({ hasText: "Connected" }).waitFor(LONG);
  return call;
}

/** The desk's one call room's name (the conversation's SID), once it joined one. */
export async function deskRoomName(agent: Page): Promise<string> {
  let name = "";
  await expect
    .poll(
      async () =>
        (name = await agent.evaluate(
          () => Object.keys((globalThis as unknown as { __sbCallRooms?: Record<string, unknown> }).__sbCallRooms ?? {})[0] ?? "",
        )),
      LONG,
    )
    .not.toBe("");
  return name;
}

/** The desk's own participant SID in its call room (`PA_…`): how the customer's page tells the agent's audio apart. */
export const deskParticipantSid = (agent: Page, room: string): Promise<string> =>
  agent.evaluate(
    (room) =>
      (globalThis as unknown as { __sbCallRooms?: Record<string, import("livekit-client").Room> }).__sbCallRooms?.[room]?.localParticipant
        .sid ?? "",
    room,
  );

/** The frames of video the desk has decoded so far from each sender, by source (`camera`, `screen_share`). */
export const deskVideoFrames = (agent: Page, room: string): Promise<Record<string, number>> =>
  agent.evaluate(async (room) => {
    const joined = (globalThis as unknown as { __sbCallRooms?: Record<string, import("livekit-client").Room> }).__sbCallRooms?.[room];
    const frames: Record<string, number> = {};
    for (const participant of joined?.remoteParticipants.values() ?? [])
      for (const publication of participant.videoTrackPublications.values()) {
        const stats = await (publication.track as import("livekit-client").RemoteVideoTrack | undefined)?.getReceiverStats();
        frames[publication.source] = (frames[publication.source] ?? 0) + (stats?.framesDecoded ?? 0);
      }
    return frames;
  }, room);

/**
 * An init script (`context.addInitScript`) keeping every RTCPeerConnection's incoming tracks with the stream
 * they came in, for {@link audioBytesBySender}.
 */
export const TRACK_SENDERS = `(() => {
  const Original = globalThis.RTCPeerConnection;
  if (!Original) return;
  const incoming = (globalThis.__incomingTracks = []);
  globalThis.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      // A reused transceiver fires "track" again for its next sender: the receiver is then that sender's.
      this.addEventListener("track", (e) => {
        const stream = e.streams[0]?.id ?? "";
        const known = incoming.find((one) => one.receiver === e.receiver);
        if (known) known.stream = stream;
        else incoming.push({ pc: this, receiver: e.receiver, stream });
      });
    }
  };
})();`;

/** The audio bytes a {@link TRACK_SENDERS} page received so far, per sending participant's SID. */
export const audioBytesBySender = (page: Page): Promise<Record<string, number>> =>
  page.evaluate(async () => {
    type Incoming = {
      pc: { connectionState: string };
      receiver: { track: { kind: string }; getStats(): Promise<Map<string, unknown>> };
      stream: string;
    };
    const bytes: Record<string, number> = {};
    for (const one of (globalThis as unknown as { __incomingTracks?: Incoming[] }).__incomingTracks ?? []) {
      if (one.pc.connectionState === "closed" || one.receiver.track.kind !== "audio") continue;
      const sender = one.stream.split("|")[0]!;
      (await one.receiver.getStats()).forEach((value) => {
        const s = value as { type: string; bytesReceived?: number };
        if (s.type === "inbound-rtp") bytes[sender] = (bytes[sender] ?? 0) + (s.bytesReceived ?? 0);
      });
    }
    return bytes;
  });

/** Polls until the audio a {@link TRACK_SENDERS} page received from participant `sid` grows past what it is now. */
export async function hearsSender(page: Page, sid: string, what: string): Promise<void> {
  const now = (await audioBytesBySender(page))[sid] ?? 0;
  await grows(
    async () => (await audioBytesBySender(page))[sid] ?? 0,
    (bytes) => bytes,
    now,
    `${what}, audio from ${sid}`,
    60_000,
  );
}
