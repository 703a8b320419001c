/**
 * A customer's call answered by its channel's Studio flow (issue 16), the I/O around the pure steps of
 * lifecycle/call-flows.ts: which flow answers (the channel's published flow, when its trigger has an
 * `incomingCall` transition), its execution's start (`FlowDO.start` with the call's fields and where its
 * voice speaks and replies), and the call's own task when the flow hands the call on — made through the
 * Router as a call's task is without a flow (call-actions.ts), once per effect id.
 *
 * The start is durable (lifecycle/call-flows.ts keeps its input and a retry timer with the execution's SID):
 * the call request makes the first attempt, the alarm the others (`retryCallFlowStart`). A flow that
 * cannot start (the workspace refuses it, the FlowDO refuses, or cannot be reached after the last attempt)
 * lets the call wait for an agent as without a flow; the reason stays in `sb_flow.error` (`ConversationDO.flowState`).
 */
import type { Env } from "../../platform/env";
import { flowFor, workspaceFor } from "../../platform/objects";
import { fail, ok, type ApiResult } from "../common/rpc";
import type { FlowTaskInput } from "../common/flows";
import type { FlowDefinition, Trigger } from "../flow/engine/types";
import type { ConversationHost } from "./conversation-host";
import type { TaskPort } from "./lifecycle/tasks";
import { ABANDONED_REASON, estimateWait, type FlowCallTask } from "./lifecycle/calls";
import {
  answeredByFlow,
  callFlowStarted,
  callFlowTaskMade,
  callStartToTry,
  callTaskToMake,
  flowCouldNotAnswer,
  plannedCallTask,
} from "./lifecycle/call-flows";
import { executionSid as newExecutionSid } from "./lifecycle/flows";

/** What the call route knows of the channel's flow and of where the call's voice lives. */
export interface CallFlowStart {
  /** The channel's flow (`ChannelConfig.flowSid`). */
  readonly flowSid: string;
  /** The Worker's `…/webhooks/media/voice` at the origin the call request reached. */
  readonly replyUrl: string;
  /** The call's region's LiveKit server URL. */
  readonly livekitUrl: string;
  /** The channel's address (Studio's `trigger.call.To`). */
  readonly to: string;
}

/** Which flow answers a call: one to start, none (the flow does not take calls), or one that cannot start (why). */
export type CallFlowChoice =
  | { readonly kind: "answer"; readonly sid: string; readonly name: string; readonly revision: number; readonly definition: FlowDefinition }
  | { readonly kind: "none" }
  | { readonly kind: "refused"; readonly reason: string };

/** The flows a call reaches: the published flow, and the execution's start. */
export interface CallFlowPort {
  choose(flowSid: string): Promise<CallFlowChoice>;
  start(executionSid: string, input: Parameters<ReturnType<typeof flowFor>["start"]>[1]): Promise<ApiResult<unknown>>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Whether a definition's trigger leaves on `incomingCall` (Studio: the flow takes calls). */
export const takesCalls = (definition: FlowDefinition): boolean =>
  definition.states.some(
    (s) => s.type === "trigger" && s.transitions.some((t) => t.event === "incomingCall" && typeof t.next === "string" && t.next !== ""),
  );

/**
 * The port on the workspace's flows and the FlowDO.
 * @example const choice = await callFlowPort(env, row).choose("FW…")
 */
export function callFlowPort(env: Env, row: { readonly account_sid: string; readonly workspace_sid: string }): CallFlowPort {
  return {
    choose: async (flowSid) => {
      try {
        const published = (await workspaceFor(env, row.workspace_sid).flowForExecution(row.account_sid, flowSid)) as ApiResult<{
          sid: string;
          friendlyName: string;
          revision: number;
          definition: FlowDefinition;
        }>;
        if (!published.ok) return { kind: "refused", reason: `Flow ${flowSid} could not answer the call: ${published.message}` };
        const { sid, friendlyName, revision, definition } = published.value;
        return takesCalls(definition) ? { kind: "answer", sid, name: friendlyName, revision, definition } : { kind: "none" };
      } catch (error) {
        return {
          kind: "refused",
          reason: `Flow ${flowSid} could not answer the call: the workspace could not be reached: ${message(error)}`,
        };
      }
    },
    start: (executionSid, input) => flowFor(env, executionSid).start(row.account_sid, input),
  };
}

/** The call being answered, as startCall knows it. */
export interface CallToAnswer {
  readonly accountSid: string;
  readonly callSid: string;
  readonly version: number;
  readonly kind: string;
  /** The caller (the visitor's identity): Studio's `trigger.call.From` and the execution's contact. */
  readonly from: string;
  readonly channelSid: string | null;
  readonly workspaceSid: string;
  readonly task: FlowCallTask;
}

/** What became of an attempt at a call's execution start. */
export type CallStartOutcome =
  | { readonly kind: "started" }
  /** Not answered (unreachable): the alarm tries again; the caller waits. */
  | { readonly kind: "retry" }
  /** Nothing to start (started meanwhile, handed on, or the call ended). */
  | { readonly kind: "none" }
  /** It cannot start: the call waits for an agent (the call's version and the task it makes). */
  | { readonly kind: "fallback"; readonly version: number; readonly task: FlowCallTask };

type StartInput = Parameters<CallFlowPort["start"]>[1];

/**
 * One attempt at the start of the execution answering `callSid` (the call request's, then the alarm's):
 * started, to retry, or given up — the call then waits for an agent (`fallback`: its task to make).
 * @example const outcome = await tryCallFlowStart(host, port, "CA…")
 */
export async function tryCallFlowStart(host: ConversationHost, port: CallFlowPort, callSid: string): Promise<ApiResult<CallStartOutcome>> {
  const attempt = host.mutate((op) => callStartToTry(op, callSid)).result;
  if (!attempt.ok) return attempt;
  if (attempt.value === null) return ok({ kind: "none" });
  const { executionSid, input, last } = attempt.value;
  let started: ApiResult<unknown>;
  try {
    started = await port.start(executionSid, input as StartInput);
  } catch (error) {
    started = fail(503, 20503, `the execution could not be reached: ${message(error)}`);
  }
  if (started.ok) {
    await host.apply((op) => callFlowStarted(op, callSid));
    return ok({ kind: "started" });
  }
  if (started.status >= 500 && !last) {
    console.warn(`ConversationDO ${host.sid}: starting the flow of call ${callSid} failed; the alarm retries: ${started.message}`);
    return ok({ kind: "retry" });
  }
  const task = plannedCallTask(host.op(), callSid);
  const reason = `Flow ${(input as StartInput).flowSid} could not answer call ${callSid}: ${started.message}`;
  console.warn(`ConversationDO ${host.sid}: ${reason}; the call waits for an agent`);
  const version = await host.apply((op) => flowCouldNotAnswer(op, callSid, reason));
  if (!version.ok) return version;
  return task === null ? ok({ kind: "none" }) : ok({ kind: "fallback", version: version.value, task });
}

/**
 * The flow answers the call: recorded on the call with its start's input and retry timer (one
 * transaction), then the first attempt. Answers `null` when the flow holds the call (started, or its start
 * retried by the alarm), else the call's version for its task's step (the reason kept), or a failure.
 */
export async function answerWithFlow(
  host: ConversationHost,
  port: CallFlowPort,
  call: CallToAnswer,
  flow: Extract<CallFlowChoice, { kind: "answer" }>,
  where: CallFlowStart,
): Promise<ApiResult<number | null>> {
  const executionSid = newExecutionSid(host.sid);
  const trigger: Trigger = {
    kind: "incomingCall",
    call: {
      CallSid: call.callSid,
      From: call.from,
      To: where.to,
      Direction: "inbound",
      CallStatus: "in-progress",
      ConversationSid: host.sid,
      Kind: call.kind,
    },
  };
  const input: StartInput = {
    sid: executionSid,
    workspaceSid: call.workspaceSid,
    flowSid: flow.sid,
    flowRevision: flow.revision,
    flowName: flow.name,
    definition: flow.definition,
    trigger,
    contactChannelAddress: call.from,
    conversationSid: host.sid,
    ...(call.channelSid ? { channelSid: call.channelSid } : {}),
    call: { callSid: call.callSid, room: host.sid, livekitUrl: where.livekitUrl, replyUrl: where.replyUrl },
  };
  const recorded = await host.apply((op) => answeredByFlow(op, call.callSid, call.version, executionSid, call.task, input));
  if (!recorded.ok) return recorded;
  const outcome = await tryCallFlowStart(host, port, call.callSid);
  if (!outcome.ok) return outcome;
  return outcome.value.kind === "fallback" ? ok(outcome.value.version) : ok(null);
}

/**
 * A flow's create-task on the call it answers: the call's own task through the Router, then the call
 * waits for an agent with music (the voice gone) and the queue's estimate. Once per `key` (the effect id).
 */
export async function flowCallTask(
  host: ConversationHost,
  tasks: TaskPort,
  accountSid: string,
  key: string,
  input: FlowTaskInput,
): Promise<ApiResult<{ conversation_sid: string }>> {
  const plan = await host.apply((op) => callTaskToMake(op, accountSid, key, input));
  if (!plan.ok) return plan;
  if (plan.value.kind === "done") return ok({ conversation_sid: host.sid });
  const { callSid, request, replaces } = plan.value;
  let created: ApiResult<{ taskSid: string }>;
  try {
    const workflowSid = request.workflowSid ?? (await tasks.oldestWorkflow());
    created =
      workflowSid === null
        ? fail(409, 20409, "The call could not be routed: the workspace has no Workflow yet")
        : await tasks.createTask({ ...request, workflowSid });
  } catch (error) {
    created = fail(503, 20503, `TaskRouter could not be reached: ${message(error)}`);
  }
  if (!created.ok) return created;
  const taskSid = created.value.taskSid;
  const made = await host.apply((op) => callFlowTaskMade(op, key, callSid, taskSid, request, replaces));
  if (!made.ok || made.value === null) {
    // The caller hung up (or another attempt handed the call on) while the task was made: it is not wanted.
    const canceled = await tasks.cancelTask(taskSid, ABANDONED_REASON).catch((error: unknown) => fail(502, 20500, message(error)));
    if (!canceled.ok) console.warn(`Call ${callSid}: its task ${taskSid} is not wanted and could not be canceled: ${canceled.message}`);
    return made.ok ? ok({ conversation_sid: host.sid }) : made;
  }
  const seconds = await (tasks.estimatedWait?.(taskSid, request.taskChannel) ?? Promise.resolve(null)).catch(() => null);
  if (seconds !== null) await host.apply((op) => estimateWait(op, callSid, seconds));
  return ok({ conversation_sid: host.sid });
}
