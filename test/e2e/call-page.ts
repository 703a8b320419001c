/**
 * The desk's call tests' reading of audio per sender (desk-calls.test.ts; the pages themselves are
 * call-pages.ts's): WebRTC's own statistics of the audio a page receives from each identity in the room — a
 * plain page's `window.room`, or the room the desk keeps in `window.__sbCallRooms` by name — polled until it
 * grows, or until it stops (two readings apart the same: what muting and holding must do).
 */
import type { Page } from "playwright-core";
import { grows } from "./call-pages";

/** Which room a page's statistics are read from: a plain page's `window.room`, or the desk's room of that name. */
export type RoomOf = { readonly plain: true } | { readonly desk: string };

/** The bytes of audio this page has received so far, per sender's identity (WebRTC's inbound-rtp statistics). */
export async function audioBytesByIdentity(page: Page, of: RoomOf): Promise<Record<string, number>> {
  return page.evaluate(async (of) => {
    const scope = globalThis as unknown as {
      room?: import("livekit-client").Room;
      __sbCallRooms?: Record<string, import("livekit-client").Room>;
    };
    const room = "desk" in of ? scope.__sbCallRooms?.[of.desk] : scope.room;
    const bytes: Record<string, number> = {};
    if (!room) return bytes;
    for (const participant of room.remoteParticipants.values()) {
      for (const publication of participant.audioTrackPublications.values()) {
        const stats = await (publication.track as import("livekit-client").RemoteAudioTrack | undefined)?.getReceiverStats();
        if (stats?.bytesReceived) bytes[participant.identity] = (bytes[participant.identity] ?? 0) + stats.bytesReceived;
      }
    }
    return bytes;
  }, of);
}

/** The identities a page's room shows as others in it (a hidden monitor is not among them). */
export const remoteIdentities = (page: Page, of: RoomOf): Promise<string[]> =>
  page.evaluate((of) => {
    const scope = globalThis as unknown as {
      room?: import("livekit-client").Room;
      __sbCallRooms?: Record<string, import("livekit-client").Room>;
    };
    const room = "desk" in of ? scope.__sbCallRooms?.[of.desk] : scope.room;
    return room ? [...room.remoteParticipants.keys()].sort() : [];
  }, of);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the audio from `from` passes `more` bytes (bounded), answering the reading. */
export const receivedMoreThan = (page: Page, of: RoomOf, from: string, more: number, what: string, ms = 40_000): Promise<number> =>
  grows(
    async () => (await audioBytesByIdentity(page, of))[from] ?? 0,
    (bytes) => bytes,
    more,
    `${what}, audio bytes from ${from}`,
    ms,
  );

/** Flows now: a reading, then a later larger one. */
export async function flowing(page: Page, of: RoomOf, from: string, what: string): Promise<void> {
  const now = (await audioBytesByIdentity(page, of))[from] ?? 0;
  await receivedMoreThan(page, of, from, now, what);
}

/**
 * Stopped: polls until two readings `quietMs` apart are the same (the audio from `from` no longer arrives),
 * bounded; a throw names how much still came.
 */
export async function stopped(page: Page, of: RoomOf, from: string, what: string, quietMs = 1_500, ms = 40_000): Promise<void> {
  const deadline = Date.now() + ms;
  let before = (await audioBytesByIdentity(page, of))[from] ?? 0;
  for (;;) {
    await pause(quietMs);
    const after = (await audioBytesByIdentity(page, of))[from] ?? 0;
    if (after === before) return;
    if (Date.now() > deadline) throw new Error(`${what} still receives audio from ${from} after ${ms} ms (${before} → ${after} bytes)`);
    before = after;
  }
}
