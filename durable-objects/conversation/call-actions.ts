/**
 * A conversation's calls, the I/O around the pure steps of lifecycle/calls.ts (issue 15): start (the
 * call recorded, its LiveKit room made, then its task — in that order, each step after an await checking
 * the call did not move meanwhile), hang up and hold (LiveKit first: when it fails the call is as it was,
 * and the caller gets a 502/503 naming LiveKit), and LiveKit's webhooks. It gets the shell's narrow host
 * and the two ports, so it never sees the class.
 *
 * A start that LiveKit (or TaskRouter) cannot serve is recorded — the call ended `failed` with the
 * reason, on every socket — and answered 503; no task is left behind, and a chat whose task the call
 * was to replace is routed as any first message (calls.ts `failCall`).
 */
import type { CallRecord, CallKind } from "../../contract/calls";
import { fail, ok, type ApiResult } from "../common/rpc";
import type { ConversationHost } from "./conversation-host";
import { CallMediaError, type CallMedia } from "./call-media";
import type { TaskPort } from "./lifecycle/tasks";
import * as calls from "./lifecycle/calls";
import { answerWithFlow, tryCallFlowStart, type CallFlowChoice, type CallFlowPort, type CallFlowStart } from "./call-flow";
import { noteFlowError } from "./lifecycle/call-flows";
import { conversationRow, type TaskRequest } from "./store/conversation-rows";

export interface CallPorts {
  readonly media: CallMedia;
  readonly tasks: TaskPort;
  /** The channel's flow and its execution (call-flow.ts), for a customer's call on a channel with a flow. */
  readonly flows?: CallFlowPort;
}

export interface StartCall {
  readonly kind: CallKind | string;
  readonly by: "customer" | "agent";
  /** The visitor's identity, or the agent's worker SID. */
  readonly identity: string;
  /** The channel names a flow (a customer's call only): it answers the call if it takes calls (call-flow.ts). */
  readonly flow?: CallFlowStart;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A port's failure as the answer: LiveKit's own status, else a 503 naming what could not be reached. */
function mediaFailure(error: unknown, what: string) {
  if (error instanceof CallMediaError) return fail(error.status, 20503, error.message);
  return fail(503, 20503, `${what}: ${message(error)}`);
}

/** Records the start as failed, tells the sockets, and answers why. */
async function failed(host: ConversationHost, callSid: string, failure: ReturnType<typeof fail>): Promise<ApiResult<never>> {
  await host.apply((op) => calls.failCall(op, callSid, failure.message));
  return failure;
}

/**
 * Starts a call on the conversation (see calls.ts's `beginCall` for who may and when).
 * @example await startCall(host, ports, "AC…", "CA…", { kind: "voice", by: "customer", identity: "visitor-1" })
 */
export async function startCall(
  host: ConversationHost,
  ports: CallPorts,
  accountSid: string,
  callSid: string,
  input: StartCall,
): Promise<ApiResult<CallRecord>> {
  const begun = await host.apply((op) =>
    calls.beginCall(op, accountSid, { kind: input.kind, by: input.by, identity: input.identity, callSid }),
  );
  if (!begun.ok) return begun;
  const plan = begun.value;
  // A customer's call that would make a new task may be answered by the channel's flow instead (never an agent's).
  const flow: CallFlowChoice =
    plan.task.kind === "new" && input.by === "customer" && input.flow && ports.flows
      ? await ports.flows.choose(input.flow.flowSid)
      : { kind: "none" };
  let room: { roomSid: string | null };
  try {
    room = await ports.media.createRoom(host.sid);
  } catch (error) {
    return failed(host, callSid, mediaFailure(error, "LiveKit could not be reached"));
  }
  const made = await host.apply((op) => calls.roomMade(op, callSid, plan.version, room.roomSid, flow.kind !== "answer"));
  if (!made.ok) return made;
  if (plan.task.kind === "same") return ok(currentCall(host, callSid));

  const { request, replaces } = plan.task;
  let version = made.value;
  if (flow.kind === "refused") {
    console.warn(`ConversationDO ${host.sid}: ${flow.reason}; the call waits for an agent`);
    await host.apply((op) => noteFlowError(op, flow.reason));
  } else if (flow.kind === "answer" && input.flow && ports.flows) {
    const row = conversationRow(host.op().host)!;
    const answered = await answerWithFlow(
      host,
      ports.flows,
      {
        accountSid,
        callSid,
        version,
        kind: input.kind,
        from: input.identity,
        channelSid: row.channel_sid,
        workspaceSid: row.workspace_sid,
        task: { request, replaces },
      },
      flow,
      input.flow,
    );
    if (!answered.ok) return answered;
    if (answered.value === null) return ok(currentCall(host, callSid));
    version = answered.value;
  }

  return makeCallTask(host, ports, callSid, version, request, replaces);
}

/**
 * The call's task through the Router, as a customer's call without a flow gets it: a failure ends the
 * call `failed` (its room closed); a call hung up meanwhile has its task canceled.
 */
async function makeCallTask(
  host: ConversationHost,
  ports: CallPorts,
  callSid: string,
  version: number,
  request: TaskRequest,
  replaces: string | null,
): Promise<ApiResult<CallRecord>> {
  let created: ApiResult<{ taskSid: string }>;
  try {
    const workflowSid = request.workflowSid ?? (await ports.tasks.oldestWorkflow());
    created =
      workflowSid === null
        ? fail(503, 20503, "The call could not be routed: the workspace has no Workflow yet")
        : await ports.tasks.createTask({ ...request, workflowSid });
  } catch (error) {
    created = fail(503, 20503, `TaskRouter could not be reached: ${message(error)}`);
  }
  if (!created.ok) {
    // No task, no call: the room goes too (best effort; its empty timeout closes it otherwise).
    await ports.media
      .closeRoom(host.sid)
      .catch((error: unknown) => console.warn(`Call ${callSid}: closing its room failed: ${message(error)}`));
    return failed(
      host,
      callSid,
      fail(created.status >= 500 ? 503 : created.status, created.code, `The call's task could not be made: ${created.message}`),
    );
  }
  const taskSid = created.value.taskSid;
  const recorded = await host.apply((op) => calls.callTaskMade(op, callSid, version, taskSid, request, replaces));
  if (!recorded.ok) {
    // Hung up while the task was being made: that task is not wanted.
    const canceled = await ports.tasks
      .cancelTask(taskSid, calls.ABANDONED_REASON)
      .catch((error: unknown) => fail(502, 20500, message(error)));
    if (!canceled.ok) console.warn(`Call ${callSid}: its task ${taskSid} is not wanted and could not be canceled: ${canceled.message}`);
    return recorded;
  }
  // What the waiting customer is told: best effort (no estimate is an answer too).
  const seconds = await (ports.tasks.estimatedWait?.(taskSid, request.taskChannel) ?? Promise.resolve(null)).catch((error: unknown) => {
    console.warn(`Call ${callSid}: no estimated wait: ${message(error)}`);
    return null;
  });
  if (seconds !== null) await host.apply((op) => calls.estimateWait(op, callSid, seconds));
  return ok(currentCall(host, callSid));
}

/**
 * The alarm's retry of a call's execution start (lifecycle/call-flows.ts `CALL_START_TIMER`): one more
 * attempt, and when it finally cannot start, the call's task as without a flow.
 * @example await retryCallFlowStart(host, ports, "CA…")
 */
export async function retryCallFlowStart(host: ConversationHost, ports: CallPorts, callSid: string): Promise<void> {
  if (!ports.flows) return;
  const outcome = await tryCallFlowStart(host, ports.flows, callSid);
  if (!outcome.ok || outcome.value.kind !== "fallback") return;
  const { version, task } = outcome.value;
  const made = await makeCallTask(host, ports, callSid, version, task.request, task.replaces);
  if (!made.ok) console.warn(`Call ${callSid}: its flow could not start and its task could not be made: ${made.message}`);
}

const currentCall = (host: ConversationHost, callSid: string): CallRecord => {
  const op = host.op();
  return calls.callRecord(op.host, host.sid, calls.callRow(op.host, callSid)!);
};

/** Hangs up the live call for everyone: LiveKit closes the room first, then the call ends (calls.ts `hangUp`). */
export async function hangUpCall(
  host: ConversationHost,
  ports: CallPorts,
  accountSid: string,
  identity: string,
  by: "customer" | "agent",
): Promise<ApiResult<CallRecord>> {
  const found = host.mutate((op) => calls.callToHangUp(op, accountSid, identity, by)).result;
  if (!found.ok) return found;
  try {
    await ports.media.closeRoom(host.sid);
  } catch (error) {
    return mediaFailure(error, "LiveKit could not be reached");
  }
  return host.apply((op) => calls.hangUp(op, found.value.sid, found.value.version));
}

/** Holds or resumes the call: LiveKit stops (restarts) the audio between agent and customer first. */
export async function holdCall(
  host: ConversationHost,
  ports: CallPorts,
  accountSid: string,
  workerSid: string,
  hold: unknown,
): Promise<ApiResult<CallRecord>> {
  const found = host.mutate((op) => calls.callToHold(op, accountSid, workerSid, hold)).result;
  if (!found.ok) return found;
  try {
    await ports.media.separate(host.sid, found.value.hold);
  } catch (error) {
    return mediaFailure(error, "LiveKit could not be reached");
  }
  const set = await host.apply((op) => calls.setHold(op, found.value.sid, found.value.version, found.value.hold));
  if (!set.ok) {
    // The call moved meanwhile (ended, or held from elsewhere): LiveKit goes back to what the call says.
    const now = host.op();
    const call = calls.liveCall(now.host);
    if (call) await ports.media.separate(host.sid, call.state === "held").catch(() => undefined);
  }
  return set;
}
