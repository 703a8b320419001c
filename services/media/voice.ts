/**
 * A flow's voice in one call's LiveKit room: joins as `voice:<room>` with the `voice` grant
 * (platform/livekit-tokens.ts), publishes one 48 kHz mono track it speaks prompts into, hears the
 * customer's keypad (LiveKit DTMF packets, `RoomEvent.DtmfReceived`) and subscribes to the customer's
 * microphone only — the participant whose `switchboard.role` attribute is "customer" — at 16 kHz mono,
 * 10 ms frames, for speech and voicemail. It is voice-actions.ts's {@link VoiceIo}: the commands run over it.
 *
 * When the last customer leaves (or the room closes) it tells its owner (voices.ts), which ends the command
 * and makes it leave.
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
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from "@livekit/rtc-node";
import type { LiveKitServer } from "../../platform/livekit";
import { mintMediaToken } from "../../platform/livekit-tokens";
import { voiceIdentity } from "../../platform/media-voice";
import { FRAME_SAMPLES, SAMPLE_RATE } from "./audio";
import { SPEECH_RATE } from "./stt";
import { VAD_FRAME } from "./vad";
import type { VoiceIo, VoiceListener } from "./voice-actions";

const QUEUE_MS = 100;
/** RFC 4733's event codes for the keys that are not digits. */
const DTMF_KEYS: Record<number, string> = { 10: "*", 11: "#" };

const isCustomer = (participant: RemoteParticipant) => participant.attributes["switchboard.role"] === "customer";

export class VoiceSession implements VoiceIo {
  private readonly lkRoom = new Room();
  private readonly source = new AudioSource(SAMPLE_RATE, 1, QUEUE_MS);
  private listener: VoiceListener | null = null;
  private leaving = false;
  /** Called once when no customer is left in the room (or the room closed under the voice). */
  onCallerGone: () => void = () => {};

  private constructor(readonly room: string) {}

  /**
   * Joins `room` on `server`.
   * @throws when LiveKit refuses or cannot be reached (the route answers 502)
   */
  static async join(server: LiveKitServer, room: string): Promise<VoiceSession> {
    const session = new VoiceSession(room);
    const { token } = await mintMediaToken(server, { role: "voice", room, identity: voiceIdentity(room), name: "Assistant" });
    const lk = session.lkRoom;
    lk.on(RoomEvent.DtmfReceived, (code, digit, participant) => {
      if (isCustomer(participant)) session.listener?.key?.(digit || (DTMF_KEYS[code] ?? String(code)));
    });
    lk.on(RoomEvent.TrackPublished, (publication, participant) => session.subscribe(publication, participant));
    lk.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
      if (isCustomer(participant) && track.kind === TrackKind.KIND_AUDIO) void session.hear(track);
    });
    lk.on(RoomEvent.ParticipantDisconnected, () => {
      if (![...lk.remoteParticipants.values()].some(isCustomer)) session.callerGone();
    });
    lk.on(RoomEvent.Disconnected, () => session.callerGone());
    try {
      await lk.connect(server.url, token, { autoSubscribe: false, dynacast: false });
      const options = new TrackPublishOptions();
      options.source = TrackSource.SOURCE_MICROPHONE;
      await lk.localParticipant!.publishTrack(LocalAudioTrack.createAudioTrack("voice", session.source), options);
    } catch (error) {
      await session.leave();
      throw error;
    }
    for (const participant of lk.remoteParticipants.values())
      for (const publication of participant.trackPublications.values()) session.subscribe(publication, participant);
    return session;
  }

  /** Whether a customer is in the room. */
  get callerPresent(): boolean {
    return [...this.lkRoom.remoteParticipants.values()].some(isCustomer);
  }

  listen(listener: VoiceListener): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }

  /** The running command's hang-up hook, if it has one (record does: a hang-up ends the voicemail). */
  get hangupHook(): (() => void) | undefined {
    return this.listener?.hangup?.bind(this.listener);
  }

  async play(samples: Int16Array, stop: () => boolean): Promise<void> {
    for (let at = 0; at < samples.length && !this.leaving; at += FRAME_SAMPLES) {
      if (stop()) {
        this.source.clearQueue();
        return;
      }
      const frame = new Int16Array(FRAME_SAMPLES);
      frame.set(samples.subarray(at, at + FRAME_SAMPLES));
      try {
        await this.source.captureFrame(new AudioFrame(frame, SAMPLE_RATE, 1, FRAME_SAMPLES));
      } catch {
        return; // the source closed: the voice is leaving
      }
    }
    if (!this.leaving && !stop()) await this.source.waitForPlayout().catch(() => {});
  }

  /** Leaves the room; idempotent. */
  async leave(): Promise<void> {
    if (this.leaving) return;
    this.leaving = true;
    this.listener = null;
    await this.lkRoom.disconnect().catch(() => {});
    await this.source.close().catch(() => {});
  }

  private callerGone() {
    if (this.leaving) return;
    this.onCallerGone();
  }

  private subscribe(publication: RemoteTrackPublication, participant: RemoteParticipant) {
    if (isCustomer(participant) && publication.kind === TrackKind.KIND_AUDIO && publication.source === TrackSource.SOURCE_MICROPHONE)
      publication.setSubscribed(true);
  }

  private async hear(track: RemoteTrack) {
    const stream = new AudioStream(track, { sampleRate: SPEECH_RATE, numChannels: 1, frameSizeMs: 10 });
    for await (const frame of stream) {
      if (this.leaving) break;
      for (let at = 0; at + VAD_FRAME <= frame.data.length; at += VAD_FRAME)
        this.listener?.audio?.(Int16Array.from(frame.data.subarray(at, at + VAD_FRAME)));
    }
  }
}
