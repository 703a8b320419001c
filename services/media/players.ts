/**
 * The rooms the service plays in: at most one player per room, whatever arrives twice or at once — a
 * second hold start while the first is joining finds the first (the registry keeps the joining promise,
 * not the finished player), a stop while joining waits for the join and then leaves. A player that left
 * by itself (the room emptied) drops out of the registry, so a later start joins afresh.
 */
import type { LiveKitServer } from "../../platform/livekit";
import { chime, holdMusic } from "./audio";
import { HoldPlayer } from "./player";
import { fetchWav } from "./wav";

/** The team WAVs fetched lately, by URL: a busy queue's calls share one download. */
const WAV_CACHE_SIZE = 8;

export type Started = { readonly started: boolean; readonly room: string };

export class Players {
  private readonly rooms = new Map<string, Promise<HoldPlayer>>();
  private readonly wavs = new Map<string, Promise<Int16Array>>();
  private readonly builtIn = holdMusic();
  private readonly prompt = chime();

  constructor(
    private readonly options: {
      readonly emptyRoomMs?: number;
      readonly fetch?: typeof fetch;
      /** Fetch teams' audio from loopback and private addresses too: local development and tests only. */
      readonly allowPrivateAudio?: boolean;
    } = {},
  ) {}

  /** The number of rooms with a player (joined or joining). */
  get size(): number {
    return this.rooms.size;
  }

  /**
   * Hold music in `room`: the team's WAV at `audioUrl`, else the built-in loop. `started` is false when a
   * player was there already (it keeps playing what it plays).
   * @throws WavError when the team's file cannot be played (nothing joins); LiveKit's error when joining fails
   */
  async startHold(server: LiveKitServer, room: string, audioUrl: string | null): Promise<Started> {
    const existing = this.rooms.get(room);
    if (existing) {
      const player = await existing.catch(() => null);
      if (player?.playing) return { started: false, room };
      if (this.rooms.get(room) === existing) this.rooms.delete(room);
      return this.startHold(server, room, audioUrl);
    }
    const joining = (async () =>
      HoldPlayer.start(server, room, audioUrl ? await this.wav(audioUrl) : this.builtIn, this.options.emptyRoomMs))();
    this.track(room, joining);
    await joining;
    return { started: true, room };
  }

  /** Stops the hold music in `room`; false when none played. */
  async stopHold(room: string): Promise<boolean> {
    const existing = this.rooms.get(room);
    if (!existing) return false;
    this.rooms.delete(room);
    const player = await existing.catch(() => null);
    if (!player) return false;
    await player.leave();
    return true;
  }

  /** The chime once in `room`: through its hold player when there is one, else a player that leaves after it. */
  async announce(server: LiveKitServer, room: string): Promise<void> {
    const player = await this.rooms.get(room)?.catch(() => null);
    if (player?.playing) return player.announce(this.prompt);
    const joining = HoldPlayer.start(server, room, new Int16Array(0), this.options.emptyRoomMs);
    this.track(room, joining);
    (await joining).announce(this.prompt);
  }

  /** Leaves every room (the service is stopping). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.rooms.keys()].map((room) => this.stopHold(room)));
  }

  private track(room: string, joining: Promise<HoldPlayer>) {
    this.rooms.set(room, joining);
    const forget = () => {
      if (this.rooms.get(room) === joining) this.rooms.delete(room);
    };
    joining.then((player) => player.done.then(forget), forget);
  }

  private wav(url: string): Promise<Int16Array> {
    const cached = this.wavs.get(url);
    if (cached) return cached;
    const fetching = fetchWav(url, {
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      allowPrivate: this.options.allowPrivateAudio === true,
    });
    this.wavs.set(url, fetching);
    // A failure is not kept: the team may fix the file and the next call should find it.
    fetching.catch(() => this.wavs.delete(url));
    if (this.wavs.size > WAV_CACHE_SIZE) this.wavs.delete(this.wavs.keys().next().value!);
    return fetching;
  }
}
