/**
 * Someone in a call's LiveKit room, in Node: LiveKit's own `@livekit/rtc-node` joins with a token and
 * listens — what the media service's tests and the call benchmark hear. {@link listenIn} joins and
 * subscribes to every audio track; {@link Listener.loudFrames} waits until a participant's audio has had
 * `count` non-silent frames (real decoded audio, not just a published track); {@link publishTone} speaks:
 * a steady tone on the microphone, as a caller's voice.
 */
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type RemoteTrack,
} from "@livekit/rtc-node";

/** A frame counts as heard when a sample reaches this (of 32 767): well above a codec's comfort noise. */
export const LOUD = 500;

export interface Listener {
  readonly room: Room;
  /** How long `room.connect` took: LiveKit's own join (signal, ICE, connected), in ms. */
  readonly joinMs: number;
  /** Resolves once `identity`'s audio has had `count` frames with a sample of at least {@link LOUD}; answers when the first came (ms, performance.now()). */
  loudFrames(identity: string, count?: number): Promise<{ firstAt: number; frames: number }>;
  /** Resolves once `identity` is no longer in the room. */
  gone(identity: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Joins `url` with `token` and listens to everyone's audio.
 * @example const customer = await listenIn(media.url, media.token); await customer.loudFrames(`hold:${room}`);
 */
export async function listenIn(url: string, token: string): Promise<Listener> {
  const room = new Room();
  const loud = new Map<string, { count: number; firstAt: number | null }>();
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  const listen = async (track: RemoteTrack, identity: string) => {
    const heard = loud.get(identity) ?? { count: 0, firstAt: null };
    loud.set(identity, heard);
    for await (const frame of new AudioStream(track, 48_000, 1)) {
      let peak = 0;
      for (const s of frame.data) peak = Math.max(peak, Math.abs(s));
      if (peak >= LOUD) {
        heard.firstAt ??= performance.now();
        heard.count++;
        poke();
      }
    }
  };
  room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
    if (track.kind === TrackKind.KIND_AUDIO) void listen(track, participant.identity);
  });
  room.on(RoomEvent.ParticipantDisconnected, poke);
  room.on(RoomEvent.ParticipantConnected, poke);
  const joining = performance.now();
  await room.connect(url, token, { autoSubscribe: true, dynacast: false });
  const joinMs = performance.now() - joining;
  const until = <T>(check: () => T | undefined) =>
    new Promise<T>((resolve) => {
      const test = () => {
        const found = check();
        if (found !== undefined) {
          waiters.delete(test);
          resolve(found);
        }
      };
      waiters.add(test);
      test();
    });
  return {
    room,
    joinMs,
    loudFrames: (identity, count = 25) =>
      until(() => {
        const heard = loud.get(identity);
        return heard && heard.count >= count && heard.firstAt !== null ? { firstAt: heard.firstAt, frames: heard.count } : undefined;
      }),
    gone: (identity) => until(() => (room.remoteParticipants.has(identity) ? undefined : true)).then(() => {}),
    close: () => room.disconnect(),
  };
}

/**
 * Publishes `room`'s microphone: 10 ms frames at 48 kHz mono, each sample `sampleAt(t)` (t: seconds since the
 * first frame), until the answered stop is called.
 * @example const buzz = await publishMicrophone(room, (t) => (t < 1 ? 5000 * Math.sin(2 * Math.PI * 180 * t) : 0));
 */
export async function publishMicrophone(room: Room, sampleAt: (t: number) => number): Promise<{ stop: () => Promise<void> }> {
  const source = new AudioSource(48_000, 1, 100);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await room.localParticipant!.publishTrack(LocalAudioTrack.createAudioTrack("microphone", source), options);
  let stopped = false;
  const loop = (async () => {
    for (let n = 0; !stopped; n++) {
      const samples = Int16Array.from({ length: 480 }, (_, i) => Math.round(sampleAt((n * 480 + i) / 48_000)));
      await source.captureFrame(new AudioFrame(samples, 48_000, 1, 480)).catch(() => (stopped = true));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await source.close().catch(() => {});
    },
  };
}

/**
 * Publishes a steady 440 Hz tone as `room`'s microphone until the answered stop is called.
 * @example const speaking = await publishTone(customer.room); … await speaking.stop();
 */
export function publishTone(room: Room, hz = 440): Promise<{ stop: () => Promise<void> }> {
  return publishMicrophone(room, (t) => 8000 * Math.sin(2 * Math.PI * hz * t));
}
