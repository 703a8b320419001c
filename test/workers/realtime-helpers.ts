/**
 * A WebSocket client for the agents' channel tests inside workerd: it records every frame from the
 * moment the socket is accepted, waits (with a timeout, never a bare sleep) for the next frame that
 * matches, and for the close code. Also: connecting straight to a Router DO with an identity built by
 * the test, as the Worker would after checking a token. Its deadlines run on `performance.now()`, so a
 * test that fakes `Date` (to move the Router DO's clock) still gets a timeout instead of a hang.
 */
import { IDENTITY_HEADER } from "../../durable-objects/router/realtime/handshake";
import type { AgentIdentity } from "../../durable-objects/router/realtime/channel";
import { foldQueue } from "../../contract/supervisor-fold";

export type Frame = Record<string, unknown> & { type: string };

/** Each frame received, to the frames of its socket (what {@link queueAsSeen} folds). */
const framesOf = new WeakMap<Frame, Frame[]>();

/**
 * A queue as the supervisor has it once `frame` is read — as the desktop folds it (contract/supervisor-fold.ts):
 * a delta carries only what changed of the queue, folded onto the rows of the frames before it since the snapshot.
 * Undefined when `frame` does not carry the queue.
 * @example expect(queueAsSeen<SupervisorQueue>(delta, SUPPORT)).toMatchObject({ total_tasks: 1 })
 */
export function queueAsSeen<Q extends { sid: string }>(frame: Frame, sid: string): Q | undefined {
  const rowOf = (f: Frame) => (f.queues as Q[] | undefined)?.find((queue) => queue.sid === sid);
  if (!rowOf(frame)) return undefined;
  const frames = framesOf.get(frame) ?? [frame];
  const upTo = frames.indexOf(frame);
  let from = upTo;
  while (from > 0 && frames[from]!.type !== "supervisor.snapshot") from--;
  return frames.slice(from, upTo + 1).reduce<Q | undefined>((row, f) => (rowOf(f) ? foldQueue(row, rowOf(f)!) : row), undefined);
}

export class AgentSocket {
  /** Every JSON frame received, in order (the text `pong` is kept apart). */
  readonly frames: Frame[] = [];
  pongs = 0;
  close: { code: number; reason: string } | null = null;
  private read = 0;
  private wake: (() => void) | null = null;

  /** `parse` reads a text frame (null: skip it); the live channel's are JSON frames as they are. */
  constructor(
    readonly ws: WebSocket,
    parse: (text: string) => Frame | null = (text) => JSON.parse(text) as Frame,
  ) {
    ws.addEventListener("message", (event) => {
      if (event.data === "pong") this.pongs++;
      else {
        const frame = parse(event.data as string);
        if (frame) {
          this.frames.push(frame);
          framesOf.set(frame, this.frames);
        }
      }
      this.wake?.();
    });
    ws.addEventListener("close", (event) => {
      this.close = { code: event.code, reason: event.reason };
      this.wake?.();
    });
    ws.accept();
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next frame not read yet that matches (frames before it are skipped). */
  async next(matches: (frame: Frame) => boolean = () => true, timeoutMs = 3000): Promise<Frame> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      while (this.read < this.frames.length) {
        const frame = this.frames[this.read++]!;
        if (matches(frame)) return frame;
      }
      if (this.close) throw new Error(`closed (${this.close.code} ${this.close.reason}) before the frame came`);
      await this.until(deadline, "a frame");
    }
  }

  /** The next frame of a type. */
  nextOf(type: string, timeoutMs?: number): Promise<Frame> {
    return this.next((frame) => frame.type === type, timeoutMs);
  }

  /** Waits for the server to close the socket. */
  async closed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    const deadline = performance.now() + timeoutMs;
    while (!this.close) await this.until(deadline, "the close");
    return this.close;
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!condition()) await this.until(deadline, what);
  }

  private until(deadline: number, what: string): Promise<void> {
    const left = deadline - performance.now();
    if (left <= 0) return Promise.reject(new Error(`timed out waiting for ${what}; frames so far: ${JSON.stringify(this.frames)}`));
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.wake = null;
          resolve();
        },
        Math.min(left, 50),
      );
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

/** Opens an agent's socket on a Router DO directly, with an identity the test built. */
export async function connectToRouter(stub: DurableObjectStub, identity: AgentIdentity, since?: number | string): Promise<AgentSocket> {
  const query = since === undefined ? "" : `?since=${since}`;
  const res = await stub.fetch(`https://router.internal/realtime${query}`, {
    headers: { Upgrade: "websocket", [IDENTITY_HEADER]: JSON.stringify(identity) },
  });
  if (!res.webSocket) throw new Error(`no WebSocket: ${res.status} ${await res.text()}`);
  return new AgentSocket(res.webSocket);
}
