/**
 * What the browser tests of calls share (test/e2e/calls.test.ts, desk-calls.test.ts): a plain page that
 * loads livekit-client's browser bundle from node_modules (a customer without the widget), joining a room
 * from it, and reading WebRTC's own statistics of the audio a page receives — per sender — from the room
 * a plain page keeps as `window.room` or the one the desk keeps in `window.__sbCallRooms` by room name.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { MediaToken } from "../../contract/calls";
import { listenLocally } from "../support/listen";

/** A page that loads livekit-client's UMD bundle (the global `LivekitClient`) and nothing else. */
export function callPages(): Promise<{ server: Server; origin: string }> {
  const bundle = readFileSync(join(process.cwd(), "node_modules", "livekit-client", "dist", "livekit-client.umd.js"));
  const server = createServer((req, res) => {
    if (req.url === "/livekit-client.umd.js") res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    else
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(
          '<!doctype html><html lang="en"><head><title>call</title><script src="/livekit-client.umd.js"></script></head><body></body></html>',
        );
  });
  return listenLocally(server).then((origin) => ({ server, origin }));
}

/** Joins the room from a plain page with `livekit-client`, publishes the (fake) microphone, and the camera when told. */
export async function joinAndSpeak(page: Page, token: MediaToken, camera = false): Promise<void> {
  await page.evaluate(
    async ({ url, token, camera }) => {
      const { Room } = (globalThis as unknown as { LivekitClient: typeof import("livekit-client") }).LivekitClient;
      const room = new Room();
      (globalThis as unknown as { room: typeof room }).room = room;
      await room.connect(url, token);
      await room.localParticipant.setMicrophoneEnabled(true);
      if (camera) await room.localParticipant.setCameraEnabled(true);
    },
    { url: token.url, token: token.token, camera },
  );
}

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
export async function receivedMoreThan(page: Page, of: RoomOf, from: string, more: number, what: string, ms = 40_000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const bytes = (await audioBytesByIdentity(page, of))[from] ?? 0;
    if (bytes > more) return bytes;
    if (Date.now() > deadline) throw new Error(`${what} received no more than ${more} bytes of audio from ${from} in ${ms} ms (${bytes})`);
    await pause(250);
  }
}

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
