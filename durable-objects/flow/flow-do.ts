/**
 * FlowDO: one per Studio flow execution (`flowFor(env, "FN…")`, issue 16). A thin shell around the pure
 * engine (./engine/): it stores the execution's state, steps and pending effects in one transaction per
 * input, carries the effects out after the commit (a message or a task through the conversation, an HTTP
 * request, a team's function) at most once each, and keeps its waits' deadlines on the one alarm.
 *
 * Skeleton: the RPC surface other parts are written against. Its methods are filled in by the runtime.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import type { ApiResult, Page, PageRequest } from "../common/rpc";
import { fail } from "../common/rpc";
import type { PingReply } from "../common/ping";
import { applyMigrations } from "../kit/migrations";
import { FLOW_MIGRATIONS } from "./schema";
import type { FlowDefinition, FlowMessage, Trigger } from "./engine/types";
import type { ExecutionRecord, StepRecord } from "./flow-records";

/** What starts an execution: the flow's published revision and what triggered it. */
export interface StartExecution {
  /** The execution's SID (the object's name): a second start with it answers the first's record. */
  readonly sid: string;
  readonly workspaceSid: string;
  readonly flowSid: string;
  readonly flowRevision: number;
  readonly definition: FlowDefinition;
  readonly trigger: Trigger;
  /** Studio's `contact` (channel address …) and the execution's `contact_channel_address`. */
  readonly contactChannelAddress: string;
  /** The conversation it runs in (messaging and web calls); absent for a REST trigger that has none yet. */
  readonly conversationSid?: string;
  /** The channel configuration (CH… of the WorkspaceDO) the conversation came through. */
  readonly channelSid?: string;
  /** Studio's `flow.data`: the REST trigger's `Parameters`. */
  readonly data?: Readonly<Record<string, unknown>>;
}

const NOT_BUILT = fail(501, 20501, "Flow executions are not built yet");

export class FlowDO extends DurableObject<Env> {
  private schemaVersion = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, FLOW_MIGRATIONS);
    });
  }

  ping(): PingReply {
    return { class: "FlowDO", version: this.schemaVersion };
  }

  async start(accountSid: string, input: StartExecution): Promise<ApiResult<ExecutionRecord>> {
    void accountSid;
    void input;
    return NOT_BUILT;
  }

  getExecution(accountSid: string): ApiResult<ExecutionRecord> {
    void accountSid;
    return NOT_BUILT;
  }

  executionContext(accountSid: string): ApiResult<Readonly<Record<string, unknown>>> {
    void accountSid;
    return NOT_BUILT;
  }

  listSteps(accountSid: string, page: PageRequest): ApiResult<Page<StepRecord>> {
    void accountSid;
    void page;
    return NOT_BUILT;
  }

  getStep(accountSid: string, stepSid: string): ApiResult<StepRecord> {
    void accountSid;
    void stepSid;
    return NOT_BUILT;
  }

  /** Ends an active execution (the Executions API's `Status=ended`, the conversation closed). */
  async endExecution(accountSid: string, reason: string): Promise<ApiResult<ExecutionRecord>> {
    void accountSid;
    void reason;
    return NOT_BUILT;
  }

  async deleteExecution(accountSid: string): Promise<ApiResult<null>> {
    void accountSid;
    return NOT_BUILT;
  }

  /**
   * A customer's message in the execution's conversation (the ConversationDO hands each on while the
   * execution is active), at most once per `key` (the message's SID). `handled: false` when the execution
   * had ended: the conversation then routes the message as it would without a flow.
   */
  async deliverMessage(accountSid: string, key: string, message: FlowMessage): Promise<ApiResult<{ handled: boolean }>> {
    void accountSid;
    void key;
    void message;
    return NOT_BUILT;
  }
}
