/**
 * TaskRouter's voice instructions (`conference`, `dequeue`, `call`, `redirect`: an assignment callback's
 * answer, `Instruction=…` on a reservation update, the stock SDK's `reservation.conference()` and
 * friends) for a task of a Switchboard call (issue 15). Twilio bridges a phone call with them; here a call
 * is a LiveKit room named for its conversation, so:
 * - `conference`, `dequeue`: the reservation is accepted and the agent is connected to the call's room —
 *   the desk joins it on accept with the agent's media token, and the call is `connected` when they are in
 *   (LiveKit's webhook). Twilio's conference and dequeue parameters (To, From, Record, …) say how to dial
 *   a phone; nothing is dialled, so they are taken and not acted on.
 * - `call`: Twilio dials the worker (`CallTo`) and runs `CallUrl`; here the worker is invited to the room
 *   the same way — their desk rings with the reservation and joins on accept — and the reservation is
 *   accepted only with CallAccept=true, as Twilio's.
 * - `redirect`: Twilio moves the call (`RedirectCallSid`) to the TwiML at `RedirectUrl`, out of
 *   TaskRouter's hands. A Switchboard call runs no TwiML, so the redirect ends it: the task is canceled
 *   (its open reservations with it) with a reason naming the URL, and the conversation ends the call as
 *   `failed` with that reason — never a silent no-op. A task that is no Switchboard call's keeps Twilio's
 *   meaning (accepted unless RedirectAccept=false), for callers bridging their own calls.
 * A Switchboard call's task is one whose attributes carry both its conversation (`conversationSid`) and its
 * call (`call_sid`, `CA…`), as the ConversationDO creates it.
 */
import { fail, ok, type ApiResult } from "../../common/rpc";
import { tasks, type TaskRow } from "../store/task-store";
import type { ReservationRow } from "../store/reservation-store";
import type { ReservationStatus } from "../../../contract/taskrouter";
import { storedReason } from "./card-masking";
import type { Op } from "./router-operation";
import { cancel } from "./transitions";

/** Where a redirect would send the call (Twilio's RedirectCallSid and RedirectUrl). */
export interface Redirect {
  readonly callSid?: string | undefined;
  readonly url?: string | undefined;
}

/** Whether the task is a Switchboard call's: its conversation's and its call's SIDs in its attributes. */
export function isSwitchboardCall(task: Pick<TaskRow, "attributes">): boolean {
  if (!task.attributes.includes("call_sid")) return false;
  try {
    const attributes = JSON.parse(task.attributes) as { conversationSid?: unknown; call_sid?: unknown } | null;
    return (
      typeof attributes?.conversationSid === "string" &&
      /^CH[0-9a-f]{32}$/.test(attributes.conversationSid) &&
      typeof attributes.call_sid === "string" &&
      /^CA[0-9a-f]{32}$/.test(attributes.call_sid)
    );
  } catch {
    return false;
  }
}

/** The reason a redirected call's task is canceled with (and the call ends with). */
export const redirectReason = (redirect: Redirect): string =>
  `Redirected${redirect.url ? ` to ${redirect.url.slice(0, 200)}` : ""}: a Switchboard call is a LiveKit room and runs no TwiML, so the call ended`;

/**
 * A redirect of a Switchboard call's reservation: the task is canceled with the reason, the call ends.
 * Answers null for a task that is no Switchboard call's (the caller applies Twilio's meaning).
 * @example redirectCall(op, reservation, { url: "https://example.com/twiml" }) // ok: task canceled
 */
export function redirectCall(op: Op, reservation: ReservationRow, redirect: Redirect): ApiResult<null> | null {
  const task = tasks.get(op.host, reservation.task_sid);
  if (!task || !isSwitchboardCall(task)) return null;
  if (reservation.status !== "pending")
    return fail(400, 20001, `Reservation ${reservation.sid} cannot be redirected: it is no longer pending (it is ${reservation.status})`);
  if (task.status !== "pending" && task.status !== "reserved")
    return fail(400, 20001, `Task ${task.sid} cannot be redirected: it is ${task.status}`);
  cancel(op, task, storedReason(op.view, redirectReason(redirect)));
  return ok(null);
}

/** The instructions a reservation update may carry (`Instruction=…`), besides a plain ReservationStatus. */
export const RESERVATION_INSTRUCTIONS = ["accept", "reject", "conference", "dequeue", "call", "redirect"] as const;
export type ReservationInstruction = (typeof RESERVATION_INSTRUCTIONS)[number];

/** Twilio's parameters of a reservation update that decide what it does (the REST form's, the SDK's JSON). */
export interface InstructedUpdate {
  readonly reservationStatus?: ReservationStatus | undefined;
  readonly instruction?: ReservationInstruction | undefined;
  /** CallAccept, RedirectAccept: booleans, or their text ("true"/"false"). */
  readonly callAccept?: boolean | string | undefined;
  readonly redirectAccept?: boolean | string | undefined;
  readonly redirectCallSid?: string | undefined;
  readonly redirectUrl?: string | undefined;
}

const yes = (value: boolean | string | undefined) => value === true || value === "true";
const no = (value: boolean | string | undefined) => value === false || value === "false";

/**
 * What a reservation update asks of the Router: ReservationStatus when given, else what the instruction
 * means — `accept`, `conference` and `dequeue` accept, `reject` rejects, `call` accepts with CallAccept,
 * `redirect` accepts unless RedirectAccept is false (and, for a Switchboard call, ends it: `redirect`).
 * The REST route and the SDK's bridge both read an update through this.
 * @example instructedUpdate({ instruction: "conference" }) // { reservationStatus: "accepted" }
 */
export function instructedUpdate(p: InstructedUpdate): { reservationStatus?: ReservationStatus; redirect?: Redirect } {
  const redirect = p.instruction === "redirect" ? { redirect: { callSid: p.redirectCallSid, url: p.redirectUrl } } : {};
  const status = (reservationStatus: ReservationStatus | undefined) => ({
    ...(reservationStatus === undefined ? {} : { reservationStatus }),
    ...redirect,
  });
  if (p.reservationStatus !== undefined) return status(p.reservationStatus);
  switch (p.instruction) {
    case "accept":
    case "conference":
    case "dequeue":
      return status("accepted");
    case "reject":
      return status("rejected");
    case "call":
      return status(yes(p.callAccept) ? "accepted" : undefined);
    case "redirect":
      return status(no(p.redirectAccept) ? undefined : "accepted");
    case undefined:
      return status(undefined);
    default: {
      const unknown: never = p.instruction;
      throw new Error(`Unknown instruction ${String(unknown)}`);
    }
  }
}
