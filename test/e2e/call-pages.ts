/**
 * What the browser call tests share (test/e2e/calls.test.ts, widget-calls.test.ts): a tiny local page
 * that loads livekit-client's browser bundle (an agent's stand-in: it joins a room with a token the
 * Worker minted and publishes its fake microphone, or its camera too), and WebRTC's own statistics of
 * any page — the widget's included, whose room is its own — read from the peer connections the page
 * made (`TRACK_PEER_CONNECTIONS`, an init script), polled until they grow.
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

/** Joins the room from a {@link callPages} page with `livekit-client`, publishes the (fake) microphone — and camera when asked. */
export async function joinAndSpeak(page: Page, token: MediaToken, options: { camera?: boolean } = {}): Promise<void> {
  await page.evaluate(
    async ({ url, token, camera }) => {
      const { Room } = (globalThis as unknown as { LivekitClient: typeof import("livekit-client") }).LivekitClient;
      const room = new Room();
      (globalThis as unknown as { room: typeof room }).room = room;
      await room.connect(url, token);
      await room.localParticipant.setMicrophoneEnabled(true);
      if (camera) await room.localParticipant.setCameraEnabled(true);
    },
    { ...token, camera: options.camera ?? false },
  );
}

/** The bytes a {@link callPages} page has received of the others' audio so far, and from whom. */
export async function audioBytesReceived(page: Page): Promise<{ bytes: number; from: string[] }> {
  return page.evaluate(async () => {
    const room = (globalThis as unknown as { room: import("livekit-client").Room }).room;
    let bytes = 0;
    const from: string[] = [];
    for (const participant of room.remoteParticipants.values()) {
      for (const publication of participant.audioTrackPublications.values()) {
        const stats = await (publication.track as import("livekit-client").RemoteAudioTrack | undefined)?.getReceiverStats();
        if (stats?.bytesReceived) {
          bytes += stats.bytesReceived;
          from.push(participant.identity);
        }
      }
    }
    return { bytes, from };
  });
}

/** Polls until the page's received audio passes `more` bytes (bounded), answering the reading. */
export async function receivedMoreThan(page: Page, more: number, what: string, ms = 40_000): Promise<{ bytes: number; from: string[] }> {
  return grows(
    () => audioBytesReceived(page),
    (r) => r.bytes,
    more,
    what,
    ms,
  );
}

/**
 * An init script (`page.addInitScript`) that keeps every RTCPeerConnection the page makes, for
 * {@link rtcBytes}: livekit-client makes its own (a publisher and a subscriber), out of reach otherwise.
 */
export const TRACK_PEER_CONNECTIONS = `(() => {
  const Original = globalThis.RTCPeerConnection;
  if (!Original) return;
  const made = (globalThis.__peerConnections = []);
  globalThis.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); made.push(this); }
  };
})();`;

/** Bytes of media so far, by direction and kind (`screen`: video sent from a screen-share track). */
export interface RtcBytes {
  readonly audioIn: number;
  readonly audioOut: number;
  readonly videoIn: number;
  readonly videoOut: number;
  /** How many video streams are being sent (a camera and a screen share are two). */
  readonly videoStreamsOut: number;
}

/** WebRTC's statistics of every peer connection of a page with {@link TRACK_PEER_CONNECTIONS}, summed. */
export async function rtcBytes(page: Page): Promise<RtcBytes> {
  return page.evaluate(async () => {
    const made = (globalThis as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const sum = { audioIn: 0, audioOut: 0, videoIn: 0, videoOut: 0, videoStreamsOut: 0 };
    for (const pc of made) {
      if (pc.connectionState === "closed") continue;
      const report = await pc.getStats();
      report.forEach((s: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number }) => {
        if (s.type === "inbound-rtp" && s.kind === "audio") sum.audioIn += s.bytesReceived ?? 0;
        if (s.type === "inbound-rtp" && s.kind === "video") sum.videoIn += s.bytesReceived ?? 0;
        if (s.type === "outbound-rtp" && s.kind === "audio") sum.audioOut += s.bytesSent ?? 0;
        if (s.type === "outbound-rtp" && s.kind === "video" && (s.bytesSent ?? 0) > 0) {
          sum.videoOut += s.bytesSent ?? 0;
          sum.videoStreamsOut += 1;
        }
      });
    }
    return sum;
  });
}

/** Polls `read` until `measure` of it passes `more` (bounded by `ms`), answering that reading. */
export async function grows<T>(
  read: () => Promise<T>,
  measure: (reading: T) => number,
  more: number,
  what: string,
  ms = 40_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reading = await read();
    if (measure(reading) > more) return reading;
    if (Date.now() > deadline) throw new Error(`${what}: no more than ${more} in ${ms} ms (${measure(reading)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
