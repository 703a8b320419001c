/**
 * One room's hold player: joins the call's LiveKit room as `hold:<room>` with the `hold` grant
 * (platform/livekit-tokens.ts: publishes microphone audio, hears no one), publishes one 48 kHz mono
 * track and loops its music into it, 10 ms at a time, until stopped — or until the room empties (the
 * last other participant left, or no one came within {@link EMPTY_ROOM_MS}). An announcement interrupts
 * the music once and the loop goes on where it was.
 *
 * LiveKit's own Node SDK, `@livekit/rtc-node` (its native binary does the WebRTC); the AudioSource's
 * short queue paces the loop in real time, so stopping or announcing is heard within ~100 ms.
 */
import { AudioFrame, AudioSource, LocalAudioTrack, Room, RoomEvent, TrackPublishOptions, TrackSource } from "@livekit/rtc-node";
import type { LiveKitServer } from "../../platform/livekit";
import { mintMediaToken } from "../../platform/livekit-tokens";
import { FRAME_SAMPLES, SAMPLE_RATE } from "./audio";

/** How long a player waits for anyone to be in the room before it leaves (the customer may still be joining). */
export const EMPTY_ROOM_MS = 120_000;
/** What the AudioSource buffers ahead: small, so a stop or an announcement is heard at once. */
const QUEUE_MS = 100;

/** The identity the media service has in a room: the others see who plays the music. */
export const holdIdentity = (room: string) => `hold:${room}`;

export class HoldPlayer {
  private readonly lkRoom = new Room();
  private readonly source = new AudioSource(SAMPLE_RATE, 1, QUEUE_MS);
  private music: Int16Array;
  private position = 0;
  private prompts: Int16Array[] = [];
  private stopping = false;
  private emptyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Settles when the player has left the room, whatever made it leave. */
  readonly done: Promise<void>;
  private markDone!: () => void;

  private constructor(
    readonly room: string,
    music: Int16Array,
  ) {
    this.music = music;
    this.done = new Promise((resolve) => (this.markDone = resolve));
  }

  /**
   * Joins `room` on `server` and starts playing `music` (looped; empty: silence, for a one-off announcement).
   * @throws when LiveKit refuses or cannot be reached (the caller answers 502)
   */
  static async start(server: LiveKitServer, room: string, music: Int16Array, emptyRoomMs = EMPTY_ROOM_MS): Promise<HoldPlayer> {
    const player = new HoldPlayer(room, music);
    await player.join(server, emptyRoomMs);
    return player;
  }

  private async join(server: LiveKitServer, emptyRoomMs: number): Promise<void> {
    const { token } = await mintMediaToken(server, {
      role: "hold",
      room: this.room,
      identity: holdIdentity(this.room),
      name: "Hold music",
    });
    try {
      await this.lkRoom.connect(server.url, token, { autoSubscribe: false, dynacast: false });
      const track = LocalAudioTrack.createAudioTrack("hold-music", this.source);
      const options = new TrackPublishOptions();
      options.source = TrackSource.SOURCE_MICROPHONE;
      await this.lkRoom.localParticipant!.publishTrack(track, options);
    } catch (error) {
      await this.leave();
      throw error;
    }
    this.lkRoom.on(RoomEvent.ParticipantConnected, () => this.clearEmptyTimer());
    this.lkRoom.on(RoomEvent.ParticipantDisconnected, () => {
      if (this.lkRoom.remoteParticipants.size === 0) void this.leave();
    });
    this.lkRoom.on(RoomEvent.Disconnected, () => void this.leave());
    if (this.lkRoom.remoteParticipants.size === 0) this.emptyTimer = setTimeout(() => void this.leave(), emptyRoomMs);
    void this.play();
  }

  /** Plays `prompt` once, interrupting the music (which goes on afterwards where it was). */
  announce(prompt: Int16Array): void {
    this.prompts.push(prompt);
  }

  /** Whether the player is still in its room. */
  get playing(): boolean {
    return !this.stopping;
  }

  /** Leaves the room and stops the music; resolves once gone. Idempotent. */
  async leave(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.clearEmptyTimer();
      // A room that never connected (LiveKit refused the join) has nothing to disconnect: that is fine.
      await this.lkRoom.disconnect().catch(() => {});
      await this.source.close().catch(() => {});
      this.markDone();
    }
    return this.done;
  }

  private clearEmptyTimer() {
    clearTimeout(this.emptyTimer);
    this.emptyTimer = undefined;
  }

  private async play(): Promise<void> {
    const frame = new Int16Array(FRAME_SAMPLES);
    while (!this.stopping) {
      const prompt = this.prompts[0];
      if (prompt) {
        for (let at = 0; at < prompt.length && !this.stopping; at += FRAME_SAMPLES) {
          frame.fill(0).set(prompt.subarray(at, at + FRAME_SAMPLES));
          await this.capture(frame);
        }
        this.prompts.shift();
        // Nothing but the prompt to play (a one-off announcement): leave once it is out.
        if (this.music.length === 0 && this.prompts.length === 0) {
          await this.source.waitForPlayout().catch(() => {});
          void this.leave();
        }
        continue;
      }
      if (this.music.length === 0) {
        frame.fill(0);
      } else {
        for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = this.music[(this.position + i) % this.music.length]!;
        this.position = (this.position + FRAME_SAMPLES) % this.music.length;
      }
      await this.capture(frame);
    }
  }

  private async capture(samples: Int16Array): Promise<void> {
    try {
      await this.source.captureFrame(new AudioFrame(Int16Array.from(samples), SAMPLE_RATE, 1, FRAME_SAMPLES));
    } catch (error) {
      // The source closes under the loop when the player leaves; anything else is a broken player: leave.
      if (!this.stopping) {
        console.error(`hold player for ${this.room}: ${error instanceof Error ? error.message : String(error)}; leaving`);
        void this.leave();
      }
    }
  }
}
