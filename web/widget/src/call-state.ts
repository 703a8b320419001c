/**
 * The widget's call rules, apart from the DOM, the network and LiveKit so they run in plain Node tests:
 * what the panel offers for the conversation's latest call (contract/calls.ts's `CallRecord`) and this
 * page's part in it — the Call and Video buttons, an agent's invitation, "Rejoin call" after a reload, or
 * the call itself — and the words and figures it shows: the estimated wait, the call's length, the line
 * the transcript keeps once it ended.
 */
import type { CallRecord } from "../../../contract/calls";
import type { CallTexts, Texts } from "./texts";

/** This page's part in the call: not in it, joining (asking for the call or a token, connecting), or in the room. */
export type CallPhase = "idle" | "joining" | "joined";

/**
 * What the panel shows for the call:
 * - `none`: no live call — the Call and Video buttons;
 * - `invite`: an agent started a call the customer has not joined — "Agent is calling", Join / Decline;
 * - `rejoin`: a live call this page is not in (a reload, a dropped connection) — Rejoin / Hang up;
 * - `in-call`: this page is joining or in the call (its state says waiting, connected or held).
 */
export type CallView = { readonly kind: "none" } | { readonly kind: "invite" | "rejoin" | "in-call"; readonly call: CallRecord };

/**
 * The view of `call` for a page in `phase`; `joinedBefore`: this browser joined this call once (so an
 * agent's call it left is a rejoin, not a new invitation).
 * @example callView(agentsCall, "idle", false).kind // "invite"; callView(agentsCall, "idle", true).kind // "rejoin"
 */
export function callView(call: CallRecord | null, phase: CallPhase, joinedBefore: boolean): CallView {
  if (call === null || call.state === "ended") return { kind: "none" };
  if (phase !== "idle") return { kind: "in-call", call };
  const customerIn = call.parties.some((p) => p.role === "customer");
  return { kind: call.started_by === "agent" && !customerIn && !joinedBefore ? "invite" : "rejoin", call };
}

/**
 * The estimated wait in words, or null when the queue gave none (the line then shows no figure).
 * @example formatWait(130, texts) // "about 2 min"; formatWait(20, texts) // "less than a minute"; formatWait(null, texts) // null
 */
export function formatWait(seconds: number | null, t: Pick<CallTexts, "waitUnderMinute" | "waitMinutes">): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return t.waitUnderMinute;
  return t.waitMinutes(Math.round(seconds / 60));
}

/**
 * A length of time as a call timer shows it: m:ss, or h:mm:ss from an hour (negative counts as 0).
 * @example formatDuration(192_000) // "3:12"; formatDuration(3_723_000) // "1:02:03"
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * The line of a live call's state: in the team's menu (a flow answers the call and has not asked for an
 * agent yet), waiting (with the estimate when there is one), on hold, connected (the call chunk's:
 * widget.js shows it only once the chunk is loaded).
 * @example callStatus(waiting, texts) // "Waiting for an agent · about 2 min" (estimated_wait_seconds 130)
 */
export function callStatus(call: CallRecord, t: Pick<Texts, "callWaiting"> & CallTexts): string {
  switch (call.state) {
    case "waiting": {
      if (call.execution_sid !== null && call.task_sid === null) return t.callMenu;
      const wait = formatWait(call.estimated_wait_seconds, t);
      return wait === null ? t.callWaiting : `${t.callWaiting} · ${wait}`;
    }
    case "held":
      return t.callHeld;
    case "connected":
    case "ended":
      return t.callConnected;
    default:
      return call.state satisfies never;
  }
}

/**
 * The transcript's line for a call that ended: its length from the agent's joining to its end, or why
 * it failed.
 * @example endedLine(callOf3m12s, texts) // "Call ended · 3:12"; endedLine(abandoned, texts) // "Call ended"
 */
export function endedLine(call: CallRecord, t: Texts): string {
  if (call.end_reason === "failed") return t.callFailed(call.failure);
  if (call.date_connected === null || call.date_ended === null) return t.callEnded(null);
  return t.callEnded(formatDuration(Date.parse(call.date_ended) - Date.parse(call.date_connected)));
}
