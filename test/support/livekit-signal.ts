/**
 * LiveKit's signalling WebSocket, spoken from Node with LiveKit's own protocol messages
 * (`@livekit/protocol`): what a browser's `livekit-client` sends first, without the media. It joins a
 * room with a token (the server then lists the participant) and asks to publish a track, so a test can
 * read the real server's answer — `trackPublished`, or a `requestResponse` refusing it — without a
 * browser. Media itself is the browser tests' (test/e2e/calls.test.ts).
 */
import {
  AddTrackRequest,
  JoinResponse,
  SignalRequest,
  SignalResponse,
  TrackSource,
  TrackType,
  type RequestResponse,
  type TrackPublishedResponse,
} from "@livekit/protocol";
import WebSocket from "ws";

export interface SignalClient {
  /** The server's answer to the join: the room, this participant and its permissions, the others. */
  readonly join: JoinResponse;
  /** Asks to publish a track of `source`; answers the server's acceptance or refusal. */
  publish(source: TrackSource): Promise<{ published: TrackPublishedResponse } | { refused: RequestResponse }>;
  close(): void;
}

/** Why a connection was refused: the HTTP status of the failed upgrade and the server's words. */
export class SignalRefused extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`LiveKit refused the connection (${status}): ${body}`);
  }
}

const KIND: Partial<Record<TrackSource, TrackType>> = {
  [TrackSource.MICROPHONE]: TrackType.AUDIO,
  [TrackSource.SCREEN_SHARE_AUDIO]: TrackType.AUDIO,
  [TrackSource.CAMERA]: TrackType.VIDEO,
  [TrackSource.SCREEN_SHARE]: TrackType.VIDEO,
};

/**
 * Joins LiveKit's room with `token` at `url` (ws://…); rejects with {@link SignalRefused} when the server
 * refuses the token.
 * @example const agent = await joinSignal(livekitUrl, token); agent.join.room?.name // "CH…"
 */
export async function joinSignal(url: string, token: string, timeoutMs = 20_000): Promise<SignalClient> {
  const socket = new WebSocket(`${url}/rtc?access_token=${encodeURIComponent(token)}&protocol=15&auto_subscribe=1&sdk=js`);
  const responses: SignalResponse[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data: Buffer) => {
    responses.push(SignalResponse.fromBinary(new Uint8Array(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  const refused = new Promise<never>((_, reject) => {
    socket.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += String(d)));
      res.on("end", () => reject(new SignalRefused(res.statusCode ?? 0, body.trim())));
    });
    socket.once("error", reject);
  });
  refused.catch(() => {}); // read below; an unread rejection must not fail the run once joined

  /** The first response `pick` takes, waiting for it (bounded). */
  const next = async <T>(what: string, pick: (response: SignalResponse) => T | undefined): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const response of responses) {
        const found = pick(response);
        if (found !== undefined) return found;
      }
      if (Date.now() > deadline) throw new Error(`no ${what} from LiveKit within ${timeoutMs} ms`);
      await Promise.race([refused, new Promise<void>((resolve) => (waiters.push(resolve), setTimeout(resolve, 200)))]);
    }
  };

  const join = await next("join response", (r) => (r.message.case === "join" ? r.message.value : undefined));
  let track = 0;
  return {
    join: join instanceof JoinResponse ? join : new JoinResponse(join),
    async publish(source) {
      const cid = `track-${++track}`;
      const request = new AddTrackRequest({ cid, name: cid, type: KIND[source] ?? TrackType.AUDIO, source });
      socket.send(new SignalRequest({ message: { case: "addTrack", value: request } }).toBinary());
      return next(`answer to publishing ${cid}`, (r) => {
        if (r.message.case === "trackPublished" && r.message.value.cid === cid) return { published: r.message.value };
        if (
          r.message.case === "requestResponse" &&
          r.message.value.request.case === "addTrack" &&
          r.message.value.request.value.cid === cid
        )
          return { refused: r.message.value };
        return undefined;
      });
    },
    close: () => socket.close(),
  };
}
