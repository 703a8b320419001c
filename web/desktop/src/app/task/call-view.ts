/**
 * What the desk's call controls show, from the call's record (contract/calls.ts, on the conversation socket)
 * and where this desk's own media stands — pure, so each state's line, timer and buttons are table-tested
 * without a browser: the agent's call panel (callPanelView) and a supervisor's Listen / Whisper / Barge
 * (supervisorJoin: the Mode the token is asked with, and who may hear the supervisor).
 */
import type { CallKind, CallRecord } from "../../../../../contract/calls";
import type { StringKey } from "../../framework/locales/en";

/** The task channels that carry a call. */
export const CALL_CHANNELS: readonly string[] = ["voice", "video"] satisfies readonly CallKind[];

/** @example isCallChannel("voice") // true */
export const isCallChannel = (channel: string | null | undefined): channel is CallKind => CALL_CHANNELS.includes(channel ?? "");

/**
 * Where this desk's connection to the call's room stands: `idle` not asked, `joining` loading
 * livekit-client / asking the token / connecting, `connected`, `reconnecting` (LiveKit's own retry),
 * `left` (this desk left or was removed), `failed` (it could not join; `error` says why).
 */
export type MediaStatus = "idle" | "joining" | "connected" | "reconnecting" | "left" | "failed";

/** A call is live until it ended. */
export const isLive = (call: CallRecord | null | undefined): call is CallRecord => !!call && call.state !== "ended";

export interface CallPanelView {
  /** The state line's string key; `failed` takes `{reason}`. */
  readonly line: StringKey;
  readonly tone: "neutral" | "info" | "success" | "warning" | "error";
  /** When the call connected (epoch ms): the call timer counts from it; null before. */
  readonly connectedAt: number | null;
  /** This desk is in the room: mute, camera and the devices are offered. */
  readonly canMute: boolean;
  /** Hold or Resume is offered (the call is connected or held, no consult running), and which. */
  readonly hold: "hold" | "resume" | null;
  /** Consult, Add participant and Transfer are offered. */
  readonly canTransfer: boolean;
  /** A consult is running: Complete / Cancel are offered instead. */
  readonly consulting: boolean;
  readonly canHangUp: boolean;
  /** Join again (this desk's media left or failed while the call is still live). */
  readonly canRejoin: boolean;
}

const at = (iso: string | null): number | null => {
  const ms = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
};

/**
 * The agent's call panel.
 * @example callPanelView({ ...call, state: "held" }, "connected").hold // "resume"
 */
export function callPanelView(call: CallRecord | null, media: MediaStatus): CallPanelView {
  const connectedAt = call ? at(call.date_connected) : null;
  if (!isLive(call))
    return {
      line: "call.state.ended",
      tone: "neutral",
      connectedAt,
      canMute: false,
      hold: null,
      canTransfer: false,
      consulting: false,
      canHangUp: false,
      canRejoin: false,
    };
  const consulting = call.consult !== null;
  // Hold, transfers and hang up are the server's: offered by the call's state, whatever this desk's media does.
  const answered = call.state === "connected" || call.state === "held";
  const controls = {
    connectedAt,
    canMute: media === "connected" || media === "reconnecting",
    hold: !answered || consulting ? null : call.state === "held" ? "resume" : "hold",
    canTransfer: answered && !consulting,
    consulting,
    canHangUp: true,
    canRejoin: media === "left" || media === "failed",
  } satisfies Omit<CallPanelView, "line" | "tone">;
  if (media === "failed") return { ...controls, line: "call.state.failed", tone: "error" };
  if (media === "idle" || media === "joining") return { ...controls, line: "call.state.joining", tone: "info" };
  if (media === "reconnecting") return { ...controls, line: "call.state.reconnecting", tone: "warning" };
  switch (call.state) {
    case "waiting":
      return { ...controls, line: "call.state.waiting", tone: "info" };
    case "connected":
      return { ...controls, line: "call.state.connected", tone: "success" };
    case "held":
      return { ...controls, line: consulting ? "call.state.consulting" : "call.state.held", tone: "warning" };
    case "ended": // not reached: an ended call returned above
      return { ...controls, line: "call.state.ended", tone: "neutral" };
    default: {
      const never: never = call.state;
      return never;
    }
  }
}

/** What a supervisor is doing on a call: not in it, or in it in one of the three ways. */
export type SupervisorMode = "off" | "monitor" | "whisper" | "barge";

export interface SupervisorJoin {
  /** The media-token route's `Mode`. */
  readonly mode: Exclude<SupervisorMode, "off">;
  /** Whether the supervisor's microphone is published. */
  readonly speaks: boolean;
  /**
   * Who may subscribe to the supervisor's tracks: everyone (`null`), or only these identities — a whisper
   * lets only the agent (livekit-client's `setTrackSubscriptionPermissions(false, [{ participantIdentity, allowAll: true }])`).
   */
  readonly onlyHeardBy: readonly string[] | null;
}

/**
 * How a supervisor joins a call for `mode`, the call's agent being `agentIdentity` (their worker SID).
 * @example supervisorJoin("whisper", "WK…") // { mode: "whisper", speaks: true, onlyHeardBy: ["WK…"] }
 */
export function supervisorJoin(mode: Exclude<SupervisorMode, "off">, agentIdentity: string): SupervisorJoin {
  switch (mode) {
    case "monitor":
      return { mode, speaks: false, onlyHeardBy: [] };
    case "whisper":
      return { mode, speaks: true, onlyHeardBy: [agentIdentity] };
    case "barge":
      return { mode, speaks: true, onlyHeardBy: null };
    default: {
      const never: never = mode;
      return never;
    }
  }
}

/** The call's agent: the first agent party in the room (the consulted one comes later), else the task's worker. */
export const agentOf = (call: CallRecord | null, workerSid: string): string =>
  call?.parties.find((p) => p.role === "agent")?.identity ?? workerSid;
