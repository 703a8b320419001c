/**
 * The one reconnecting WebSocket of the browser code — the agent's live channel, the supervisors' feed,
 * the agent's and the visitor's conversation sockets all stand on it (after partysocket's `ws.ts`: declared
 * options with defaults, resolved once). Each (re)connect asks for a token (a fresh one after a 4401
 * close) and the URL of that moment (so `?since=` resumes where the last socket stopped); frames are
 * JSON, checked at the edge by the caller's `parse` (one the client does not know is dropped with a
 * warning, never thrown); the socket is `online` at open or at the first frame `readyOn` names (then
 * the backoff starts over and the heartbeat runs); a drop waits the backoff and tries again, a close
 * code in `finalCodes` stops for good.
 */

/** The waits between attempts: `firstDelayMs` growing by `growth` up to `maxDelayMs`, up to `jitter` of it taken off at random, never below `minDelayMs`. */
export interface Backoff {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly growth: number;
  /** The share of a wait taken off at random (0.25: up to a quarter), so a restart does not bring every client back at once. */
  readonly jitter: number;
  readonly minDelayMs: number;
}

export const DEFAULT_BACKOFF = { firstDelayMs: 1_000, maxDelayMs: 30_000, growth: 2, jitter: 0.25, minDelayMs: 1_000 } satisfies Backoff;

/**
 * The wait before attempt `attempt` (0 = the first after a drop), `random` in [0, 1).
 * @example backoffDelay(DEFAULT_BACKOFF, 3, 0) // 8000; backoffDelay(DEFAULT_BACKOFF, 10, 0) // 30000
 */
export function backoffDelay(backoff: Backoff, attempt: number, random: number): number {
  const full = Math.min(backoff.maxDelayMs, backoff.firstDelayMs * backoff.growth ** attempt);
  return Math.max(backoff.minDelayMs, Math.round(full * (1 - backoff.jitter * random)));
}

/**
 * A `parse` that knows a frame by its `type` (the contract's lists in contract/frame-types.ts): the edge
 * check that keeps a frame of a newer server's kind from reaching a reducer that does not know it.
 * @example parse: ofTypes<ConversationFrame>(CONVERSATION_FRAME_TYPES)
 */
export function ofTypes<F extends { type: string }>(types: readonly F["type"][]): (value: unknown) => F | null {
  const known = new Set<unknown>(types);
  return (value) => (typeof value === "object" && value !== null && known.has((value as { type?: unknown }).type) ? (value as F) : null);
}

export type SocketStatus = "connecting" | "online" | "offline" | "closed";

export interface SocketOptions<F> {
  /** The URL of a (re)connect, read each time (with the `since` of that moment). */
  readonly url: () => string;
  /** The token of a (re)connect; `fresh` after a 4401 close. One that cannot be had (offline, signed out) is asked again after the backoff. */
  readonly token: (fresh: boolean) => string | Promise<string>;
  readonly protocols: (token: string) => string[];
  /** The frame a text is, or null for one this client does not know (dropped with a warning). */
  readonly parse: (value: unknown) => F | null;
  readonly onFrame: (frame: F) => void;
  readonly onStatus?: (status: SocketStatus, previous: SocketStatus) => void;
  /** A close after which reconnecting cannot help (the status is then `closed`). */
  readonly onFinalClose?: (code: number, reason: string) => void;
  /** The frame that makes a connection online (hello, a snapshot); online at open when absent. */
  readonly readyOn?: (frame: F) => boolean;
  readonly finalCodes?: readonly number[];
  readonly backoff?: Partial<Backoff>;
  /** `ping` this often while online (the server answers `pong`); none when absent. */
  readonly heartbeatMs?: number;
  readonly WebSocket?: typeof WebSocket;
  readonly random?: () => number;
}

/**
 * Opens a socket and keeps it open until `close()`.
 * @example
 * const socket = reconnectingSocket({ url: () => "wss://host/api/realtime", token: session.token, protocols: (t) => [`token.${t}`, "switchboard"], parse, onFrame });
 * socket.send({ type: "accept", id: "c1", reservation_sid: "WR…" });
 */
export function reconnectingSocket<F>(options: SocketOptions<F>) {
  const backoff: Backoff = { ...DEFAULT_BACKOFF, minDelayMs: 0, ...options.backoff };
  const finalCodes = new Set(options.finalCodes ?? []);
  const random = options.random ?? Math.random;
  let socket: WebSocket | null = null;
  let status: SocketStatus = "closed";
  let attempt = 0;
  let staleToken = false;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const setStatus = (next: SocketStatus): void => {
    const previous = status;
    if (previous === next) return;
    status = next;
    options.onStatus?.(next, previous);
  };
  const isOpen = (): boolean => socket?.readyState === 1;

  const beat = (everyMs: number | undefined): void => {
    clearInterval(heartbeat);
    heartbeat = everyMs ? setInterval(() => isOpen() && socket!.send("ping"), everyMs) : undefined;
  };

  const online = (): void => {
    attempt = 0;
    beat(options.heartbeatMs);
    setStatus("online");
  };

  const scheduleRetry = (): void => {
    if (stopped) return;
    setStatus("offline");
    retry = setTimeout(connect, backoffDelay(backoff, attempt++, random()));
  };

  const receive = (data: unknown): void => {
    if (typeof data !== "string" || data === "pong") return;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return; // not a frame of ours (a proxy's keep-alive, say)
    }
    const frame = options.parse(value);
    if (frame === null) {
      console.warn("Switchboard: dropped a frame this client does not know", value);
      return;
    }
    if (status !== "online" && options.readyOn?.(frame)) online();
    options.onFrame(frame);
  };

  const open = (token: string): void => {
    staleToken = false;
    if (stopped) return;
    const ws = new (options.WebSocket ?? WebSocket)(options.url(), options.protocols(token));
    socket = ws;
    ws.onopen = () => {
      if (socket === ws && !options.readyOn) online();
    };
    ws.onmessage = (event: MessageEvent) => {
      if (socket === ws) receive(event.data);
    };
    ws.onclose = (event: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      beat(undefined);
      if (finalCodes.has(event.code)) {
        stopped = true;
        setStatus("closed");
        options.onFinalClose?.(event.code, event.reason);
        return;
      }
      if (event.code === 4401) staleToken = true;
      scheduleRetry();
    };
  };

  function connect(): void {
    retry = undefined;
    if (stopped) return;
    if (status === "closed") setStatus("connecting");
    let token: string | Promise<string>;
    try {
      token = options.token(staleToken);
    } catch {
      return scheduleRetry();
    }
    if (typeof token === "string") open(token);
    else token.then(open, scheduleRetry);
  }

  connect();

  return {
    get status(): SocketStatus {
      return status;
    },
    get open(): boolean {
      return isOpen();
    },
    /** Sends a frame (JSON) when the socket is open; false when it is not (the caller keeps it for later). */
    send(frame: object): boolean {
      if (!isOpen()) return false;
      socket!.send(JSON.stringify(frame));
      return true;
    },
    /** Runs the heartbeat at this interval from now on (the agent's `hello` names it). */
    heartbeat(everyMs: number): void {
      beat(everyMs);
    },
    /** Reconnects now when waiting for a retry (the browser came back online). */
    nudge(): void {
      if (retry === undefined || stopped) return;
      clearTimeout(retry);
      connect();
    },
    close(reason: string): void {
      stopped = true;
      clearTimeout(retry);
      beat(undefined);
      const ws = socket;
      socket = null;
      ws?.close(1000, reason);
      setStatus("closed");
    },
  };
}

export type ReconnectingSocket = ReturnType<typeof reconnectingSocket>;
