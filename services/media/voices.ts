/**
 * The flow voices the service runs, one per room (voice.ts), and the one command each carries out
 * (voice-actions.ts): a new command replaces the running one (which then sends no reply); the same
 * `reply.effectId` again — running, or finished in the last {@link RECENT_MS} — is not run twice. A voice
 * leaves on `stop`, when the caller is gone (a running record finishes first, with `hangup: true`), or after
 * {@link IDLE_MS} without a command. Each result goes to the Worker through replies.ts.
 */
import type { LiveKitServer } from "../../platform/livekit";
import type { VoiceCommand } from "../../platform/media-voice";
import { sendReply } from "./replies";
import { runVoiceAction, type VoiceIo, type VoiceTools } from "./voice-actions";
import { VoiceSession } from "./voice";

/** A voice with no command for this long leaves the room. */
export const IDLE_MS = 60_000;
/** How long a finished command's effect id is remembered (a retried POST must not run it again). */
export const RECENT_MS = 10 * 60_000;

/** The room side a voice needs: voice.ts's session, or a test's. */
export interface RoomVoiceIo extends VoiceIo {
  onCallerGone: () => void;
  readonly hangupHook: (() => void) | undefined;
  leave(): Promise<void>;
}

export type JoinVoice = (server: LiveKitServer, room: string) => Promise<RoomVoiceIo>;

class RoomVoice {
  private running: { effectId: string; controller: AbortController; finished: Promise<void> } | null = null;
  private idle: unknown = undefined;
  private gone = false;
  private left = false;

  constructor(
    readonly io: RoomVoiceIo,
    private readonly tools: VoiceTools,
    private readonly forget: () => void,
  ) {
    io.onCallerGone = () => this.callerGone();
    this.armIdle();
  }

  run(command: VoiceCommand): void {
    this.running?.controller.abort();
    this.tools.clock.clearTimeout(this.idle);
    const controller = new AbortController();
    const finished = runVoiceAction(command.action, command.reply, this.io, this.tools, controller.signal)
      .catch((error: unknown) => ({ ok: false as const, reason: error instanceof Error ? error.message : String(error) }))
      .then(async (result) => {
        if (result && !controller.signal.aborted) await sendReply(this.tools.reply, command.reply, result);
      })
      .finally(() => {
        if (this.running?.controller !== controller) return;
        this.running = null;
        if (this.gone) void this.leave();
        else this.armIdle();
      });
    this.running = { effectId: command.reply.effectId, controller, finished };
  }

  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.tools.clock.clearTimeout(this.idle);
    this.running?.controller.abort();
    this.forget();
    await this.io.leave();
  }

  private callerGone() {
    if (this.gone) return;
    this.gone = true;
    const hangup = this.io.hangupHook;
    if (this.running && hangup) hangup();
    else void this.leave();
  }

  private armIdle() {
    this.tools.clock.clearTimeout(this.idle);
    this.idle = this.tools.clock.setTimeout(() => void this.leave(), IDLE_MS);
  }
}

export class Voices {
  private readonly rooms = new Map<string, Promise<RoomVoice>>();
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly tools: VoiceTools,
    private readonly join: JoinVoice = (server, room) => VoiceSession.join(server, room),
  ) {}

  /** The number of rooms with a voice (joined or joining). */
  get size(): number {
    return this.rooms.size;
  }

  /**
   * Runs `command` in `room`: false when its effect id ran (or runs) already. The prompt's WAV, if any, is
   * fetched first, so a file that cannot be played is refused before anything joins.
   * @throws WavError (the route answers 422); LiveKit's error when joining fails (502)
   */
  async command(server: LiveKitServer, room: string, command: VoiceCommand): Promise<{ accepted: boolean }> {
    const now = this.tools.clock.now();
    for (const [id, at] of this.recent) if (now - at > RECENT_MS) this.recent.delete(id);
    const key = `${room} ${command.reply.effectId}`;
    if (this.recent.has(key)) return { accepted: false };
    this.recent.set(key, now);
    try {
      const prompt = command.action.kind === "record" ? null : command.action.prompt;
      if (prompt?.play) await this.tools.fetchWav(prompt.play);
      const voice = await this.voiceIn(server, room);
      voice.run(command);
    } catch (error) {
      this.recent.delete(key);
      throw error;
    }
    return { accepted: true };
  }

  /** The voice in `room` leaves; false when there was none. */
  async stop(room: string): Promise<boolean> {
    const joining = this.rooms.get(room);
    if (!joining) return false;
    this.rooms.delete(room);
    const voice = await joining.catch(() => null);
    if (!voice) return false;
    await voice.leave();
    return true;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.rooms.keys()].map((room) => this.stop(room)));
  }

  private async voiceIn(server: LiveKitServer, room: string): Promise<RoomVoice> {
    const existing = this.rooms.get(room);
    if (existing) {
      const voice = await existing.catch(() => null);
      if (voice) return voice;
    }
    const joining = this.join(server, room).then(
      (io) =>
        new RoomVoice(io, this.tools, () => {
          if (this.rooms.get(room) === joining) this.rooms.delete(room);
        }),
    );
    this.rooms.set(room, joining);
    joining.catch(() => {
      if (this.rooms.get(room) === joining) this.rooms.delete(room);
    });
    return joining;
  }
}
