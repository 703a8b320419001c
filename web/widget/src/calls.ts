/**
 * The customer's calls, as widget.js keeps them: the conversation's latest call (from the socket's
 * snapshot and `call.updated` frames), this page's part in it, and what the visitor's presses do — Call or
 * Video starts one (`POST …/call`), Join or Rejoin asks for a token (`POST …/media-token`), Decline and
 * Hang up end it (`POST …/call/hangup`). The room itself, its panel and `livekit-client` are the call
 * chunk's (call/index.ts), `import()`ed from the widget's own origin the first time a call needs it.
 * A 503 means calls are off for this team: the buttons stay, disabled, saying why.
 */
import type { CallKind, CallRecord, MediaToken } from "../../../contract/calls";
import { HttpError, type ChannelApi } from "./api";
import { callView, endedLine, type CallPhase } from "./call-state";
import type { CallSession, joinCall, statusOf } from "./call/index";
import type { Texts } from "./texts";
import type { ChatView } from "./view";

/** What the calls need of the chat: its session's token, the conversation to follow, the transcript's notes. */
export interface CallHost {
  readonly api: ChannelApi;
  readonly view: ChatView;
  readonly t: Texts;
  /** Loads the call chunk (widget.js: `import()` of widget-call.js, beside it). */
  readonly loadChunk: () => Promise<CallChunk>;
  /** Where this browser remembers the calls it joined (so an agent's call it left is a rejoin). */
  readonly storageKey: string;
  /** The visitor's session token, starting a session when there is none. */
  token(): Promise<string>;
  /** A call opened (or is in) this conversation: the chat follows it (`token`: the session renewed for it). */
  follow(conversationSid: string, token?: string): void;
  /** A line for the transcript, once per key. */
  note(key: string, text: string): void;
}

export type CallChunk = { readonly joinCall: typeof joinCall; readonly statusOf: typeof statusOf };

/** What the chat tells the calls, and the presses it hands on. */
export interface Calls {
  /** The conversation's latest call changed (snapshot, `call.updated`), or there is none (null). */
  record(call: CallRecord | null): void;
  /** Call or Video pressed: starts the call (opening a conversation if there is none) and joins it. */
  start(kind: CallKind): Promise<void>;
}

/**
 * The calls of one widget (a closure rather than a class: its names minify, and widget.js stays small).
 * @example const calls = callsOf(host); calls.record(snapshot.call); await calls.start("video");
 */
export function callsOf(host: CallHost): Calls {
  const { api, view, t } = host;
  let call: CallRecord | null = null;
  let phase: CallPhase = "idle";
  let session: CallSession | null = null;
  let chunk: Promise<CallChunk> | null = null;
  /** The chunk, once loaded (the in-call line is its words). */
  let loaded: CallChunk | null = null;
  /** Why calls are off (the server's 503), once a press found out. */
  let off: string | null = null;
  const status = (error: unknown) => view.showStatus(error instanceof Error ? error.message : String(error));

  const load = () =>
    (chunk ??= host.loadChunk().then(
      (module) => (loaded = module),
      (error: unknown) => {
        chunk = null; // the next press tries again
        throw error;
      },
    ));

  const leave = async () => {
    const left = session;
    session = null;
    phase = "idle";
    await left?.leave();
  };

  const record = (next: CallRecord | null) => {
    call = next;
    if (next?.state === "ended") {
      host.note(`call:${next.sid}`, endedLine(next, t));
      void leave();
    } else if (next) session?.update(next);
    render();
  };

  /** Joins with what `ask` gets (a started call's token, or a fresh one), then the room through the chunk. */
  const joining = async (ask: () => Promise<{ media: MediaToken; kind: CallKind }>) => {
    phase = "joining";
    view.showStatus(null);
    render();
    try {
      const { media, kind } = await ask();
      session = await (
        await load()
      ).joinCall({
        media,
        kind,
        mount: view.callMount,
        onHangUp: () => void hangUp(),
        onGone: () => {
          session = null;
          phase = "idle";
          render();
        },
        onNotice: (text) => view.showStatus(text),
      });
      phase = "joined";
      if (call) {
        session.update(call);
        remember(host.storageKey, call.sid);
      }
      if (call?.state === "ended") await leave();
      else view.focusCall();
    } catch (error) {
      phase = "idle";
      if (error instanceof HttpError && error.status === 503) off = error.message;
      status(off === null ? error : t.callsOff(off));
    }
    render();
  };

  /** Join (an agent's invitation) or Rejoin (after a reload): a token for the live call, then the room. */
  const join = () => {
    const kind = call?.kind;
    if (phase === "idle" && kind)
      void joining(async () => {
        void load();
        return { media: await api.mediaToken(await host.token()), kind };
      });
  };

  /** Decline or Hang up: ends the call for everyone. */
  const hangUp = async () => {
    try {
      record(await api.hangUp(await host.token()));
    } catch (error) {
      status(error);
    }
    await leave();
    render();
  };

  function render() {
    const shown = callView(call, phase, call !== null && joined(host.storageKey, call.sid));
    view.callButtons(shown.kind === "none" && phase === "idle", off === null ? null : t.callsOff(off));
    switch (shown.kind) {
      case "none":
        return view.showCall(phase === "joining" ? t.callWaiting : null, []);
      case "invite":
        return view.showCall(t.callInvite, [
          [t.join, join],
          [t.decline, () => void hangUp()],
        ]);
      case "rejoin":
        return view.showCall(t.callRejoin, [
          [t.rejoin, join],
          [t.hangUp, () => void hangUp()],
        ]);
      case "in-call":
        return view.showCall(loaded?.statusOf(shown.call) ?? t.callWaiting, []);
      default:
        shown satisfies never;
    }
  }

  render();
  return {
    record,
    async start(kind) {
      if (off !== null) return view.showStatus(t.callsOff(off));
      if (phase !== "idle") return;
      await joining(async () => {
        const token = await host.token();
        void load();
        const started = await api.startCall(token, kind);
        host.follow(started.call.conversation_sid, started.token);
        record(started.call);
        return { media: started.media, kind };
      });
    },
  };
}

/** Whether this browser joined the call (only the latest is kept: only "was I in this one?" is asked). */
function joined(key: string, callSid: string): boolean {
  try {
    return localStorage.getItem(`${key}.call`) === callSid;
  } catch {
    return false; // localStorage unavailable: a reload then offers an agent's call as an invitation again
  }
}

function remember(key: string, callSid: string): void {
  try {
    localStorage.setItem(`${key}.call`, callSid);
  } catch {
    // see joined()
  }
}
