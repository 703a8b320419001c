/**
 * What happens to a live call when its agent hands it on (issue 15), as a pure state machine over the
 * call's record: a cold transfer, a warm transfer (consult, then complete or cancel) and a conference's
 * third party. Each step answers the call as it becomes and the effects the shell carries out after the
 * commit — a task to create or cancel or wrap up, someone to remove from the LiveKit room, hold music to
 * start or stop — or a refusal naming why (the status the route answers), having changed nothing.
 *
 * Who is the call's agent is the caller's to say (the worker of the conversation's current task): the
 * record lists who is in the room, not whose call it is.
 *
 * - Cold transfer: the agent leaves the room and wraps up at once; the customer stays, `waiting`, with
 *   hold music, until the transfer task's agent joins.
 * - Warm transfer: `consult` → the customer is `held` (hold music; the agents and they don't hear each
 *   other) and a consult task goes to the target; its agent accepts (`consult.worker_sid`) and joins, the
 *   two agents hear each other. `complete` → the first agent leaves and wraps up, the consulted agent is
 *   the call's agent, the customer is back (`connected`). `cancel` → the consult task is canceled (nobody
 *   took it yet) or the consulted agent leaves, and the customer is back with the first agent. A consult
 *   task that ends unanswered clears `consult`; the customer stays held until the agent resumes.
 * - Conference: a third party's task; when its agent accepts and joins, everyone hears everyone.
 */
import type { CallRecord } from "../../../contract/calls";

export type HandoffTarget = { readonly type: "worker" | "queue"; readonly sid: string };

/** A call and whose it is. */
export interface HandoffCall {
  readonly call: CallRecord;
  /** The worker of the conversation's current task: the call's agent; null while it has none. */
  readonly agentSid: string | null;
}

/** What the shell does after the step commits, in this order. */
export type HandoffEffect =
  /** A task for the target on the call's channel, marked with what it is for (`callHandoff`). */
  | { readonly kind: "create-task"; readonly purpose: "transfer" | "consult" | "conference"; readonly target: HandoffTarget }
  | { readonly kind: "cancel-task"; readonly taskSid: string }
  /** The worker's task on this conversation goes to wrapping (they are done with the call). */
  | { readonly kind: "wrap-worker"; readonly workerSid: string }
  /** Out of the LiveKit room (`RoomServiceClient.removeParticipant`); absent already is fine. */
  | { readonly kind: "remove-from-room"; readonly identity: string }
  | { readonly kind: "start-hold" }
  | { readonly kind: "stop-hold" };

export type HandoffStep =
  | { readonly ok: true; readonly call: CallRecord; readonly effects: readonly HandoffEffect[] }
  | { readonly ok: false; readonly status: 400 | 403 | 409; readonly message: string };

const refuse = (status: 400 | 403 | 409, message: string): HandoffStep => ({ ok: false, status, message });

/** The checks every agent's step starts with: a call that is on, and theirs. */
function agentsOwn(current: HandoffCall, workerSid: string): HandoffStep | null {
  const { call, agentSid } = current;
  if (call.state === "ended") return refuse(409, `Call ${call.sid} has ended`);
  if (agentSid === null || call.state === "waiting") return refuse(409, `Call ${call.sid} has no agent yet: it is waiting in the queue`);
  if (agentSid !== workerSid) return refuse(403, `Call ${call.sid} is not yours: its agent is ${agentSid}`);
  return null;
}

function targetProblem(current: HandoffCall, target: HandoffTarget): HandoffStep | null {
  const prefix = target.type === "queue" ? "WQ" : "WK";
  if (!new RegExp(`^${prefix}[0-9a-f]{32}$`).test(target.sid))
    return refuse(400, `Invalid parameter TargetSid: must be a ${prefix} SID for TargetType ${target.type}`);
  if (target.type === "worker" && target.sid === current.agentSid)
    return refuse(400, `Invalid parameter TargetSid: ${target.sid} is the call's own agent`);
  return null;
}

const consulting = (call: CallRecord): HandoffStep =>
  refuse(409, `Call ${call.sid} is consulting ${call.consult!.target_sid}: complete or cancel that first`);

/**
 * A cold transfer: the agent leaves now, the customer waits with hold music for the transfer's agent.
 * @example coldTransfer({ call, agentSid: "WKann" }, "WKann", { type: "queue", sid: "WQ…" }).call.state // "waiting"
 */
export function coldTransfer(current: HandoffCall, workerSid: string, target: HandoffTarget): HandoffStep {
  const refused = agentsOwn(current, workerSid) ?? targetProblem(current, target);
  if (refused) return refused;
  if (current.call.consult) return consulting(current.call);
  return {
    ok: true,
    call: { ...current.call, state: "waiting" },
    effects: [
      { kind: "create-task", purpose: "transfer", target },
      { kind: "remove-from-room", identity: workerSid },
      { kind: "wrap-worker", workerSid },
      { kind: "start-hold" },
    ],
  };
}

/**
 * A warm transfer begins: the customer holds while the agent consults the target.
 * @example startConsult({ call, agentSid: "WKann" }, "WKann", { type: "worker", sid: "WKbob" }).call.consult // { target_type: "worker", … }
 */
export function startConsult(current: HandoffCall, workerSid: string, target: HandoffTarget): HandoffStep {
  const refused = agentsOwn(current, workerSid) ?? targetProblem(current, target);
  if (refused) return refused;
  if (current.call.consult) return consulting(current.call);
  return {
    ok: true,
    call: { ...current.call, state: "held", consult: { target_type: target.type, target_sid: target.sid, worker_sid: null } },
    effects: [
      { kind: "create-task", purpose: "consult", target },
      ...(current.call.state === "held" ? [] : [{ kind: "start-hold" } as const]),
    ],
  };
}

/** The consult task's reservation was accepted: its agent joins the room and speaks with the first. */
export function consultAccepted(current: HandoffCall, workerSid: string): HandoffStep {
  const { call } = current;
  if (!call.consult || call.state === "ended") return refuse(409, `Call ${call.sid} has no consult waiting for an agent`);
  if (call.consult.worker_sid !== null && call.consult.worker_sid !== workerSid)
    return refuse(409, `Call ${call.sid} is already consulting ${call.consult.worker_sid}`);
  return { ok: true, call: { ...call, consult: { ...call.consult, worker_sid: workerSid } }, effects: [] };
}

/**
 * The warm transfer completes: the first agent leaves and wraps up; the consulted agent has the call.
 * The caller makes the consult's task the conversation's current one.
 */
export function completeConsult(current: HandoffCall, workerSid: string): HandoffStep {
  const refused = agentsOwn(current, workerSid);
  if (refused) return refused;
  const { call } = current;
  if (!call.consult) return refuse(409, `Call ${call.sid} has no consult to complete`);
  if (call.consult.worker_sid === null)
    return refuse(409, `Call ${call.sid}'s consult has no agent yet: nobody took it from ${call.consult.target_sid}`);
  return {
    ok: true,
    call: { ...call, state: "connected", consult: null },
    effects: [{ kind: "remove-from-room", identity: workerSid }, { kind: "wrap-worker", workerSid }, { kind: "stop-hold" }],
  };
}

/** The warm transfer is called off: the consult ends, the customer is back with the first agent. */
export function cancelConsult(current: HandoffCall, workerSid: string, consultTaskSid: string | null): HandoffStep {
  const refused = agentsOwn(current, workerSid);
  if (refused) return refused;
  const { call } = current;
  if (!call.consult) return refuse(409, `Call ${call.sid} has no consult to cancel`);
  const consulted = call.consult.worker_sid;
  const ending: HandoffEffect[] =
    consulted === null
      ? consultTaskSid === null
        ? []
        : [{ kind: "cancel-task", taskSid: consultTaskSid }]
      : [
          { kind: "remove-from-room", identity: consulted },
          { kind: "wrap-worker", workerSid: consulted },
        ];
  return { ok: true, call: { ...call, state: "connected", consult: null }, effects: [...ending, { kind: "stop-hold" }] };
}

/** The consult's task ended before anyone took it (canceled, timed out): the consult is over, the customer still held. */
export function consultUnanswered(current: HandoffCall): HandoffStep {
  const { call } = current;
  if (!call.consult || call.consult.worker_sid !== null) return { ok: true, call, effects: [] };
  return { ok: true, call: { ...call, consult: null }, effects: [] };
}

/**
 * A conference: a third party is offered the call; on accept they join and everyone hears everyone.
 * @example addParty({ call, agentSid: "WKann" }, "WKann", { type: "worker", sid: "WKcy" }).effects // [{ kind: "create-task", purpose: "conference", … }]
 */
export function addParty(current: HandoffCall, workerSid: string, target: HandoffTarget): HandoffStep {
  const refused = agentsOwn(current, workerSid) ?? targetProblem(current, target);
  if (refused) return refused;
  if (current.call.consult) return consulting(current.call);
  if (current.call.state === "held") return refuse(409, `Call ${current.call.sid} is on hold: resume it before adding someone`);
  return { ok: true, call: current.call, effects: [{ kind: "create-task", purpose: "conference", target }] };
}
