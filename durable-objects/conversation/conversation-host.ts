/**
 * What the ConversationDO's parts (conversation-changes.ts, socket-session.ts, staff-actions.ts) get of
 * the object: a narrow host, as the Agents SDK hands each subsystem one, instead of the whole class — the
 * storage and sockets, one operation in one transaction and its effects, the webhooks, the directory.
 * The shell (conversation-shell.ts) builds it; the parts never see the class, so its RPC surface stays
 * the one list of what other objects and the Worker may call.
 */
import type { ApiResult } from "../common/rpc";
import type { AddMessageInput } from "../common/conversations";
import type { ActionSource } from "../common/conversation-webhooks";
import type { directoryFor } from "../../platform/objects";
import type { Outbox } from "../kit/outbox";
import type { ConversationRow } from "./store/conversation-rows";
import type { Effects, Op } from "./lifecycle/conversation-operation";
import type { HookContext } from "./lifecycle/hooks";
import type { ConversationWebhooks } from "./webhooks";
import type { SocketState } from "./socket-commands";

export interface ConversationHost {
  /** The conversation's SID (the Durable Object's name). */
  readonly sid: string;
  readonly ctx: DurableObjectState;
  readonly webhooks: ConversationWebhooks;
  /** Supervisors' actions and survey answers on their way to the Router (lifecycle/workspace-events.ts). */
  readonly workspaceEvents: Outbox;
  op(): Op;
  /** The stored conversation when `accountSid` owns it, else the 404 of one never created. */
  loaded(accountSid: string): ApiResult<ConversationRow>;
  loadedIn(op: Op, accountSid: string): ApiResult<ConversationRow>;
  /** One operation in one transaction (all of it or nothing), its post-events queued with it; effects not yet carried out. */
  mutate<T>(fn: (op: Op) => ApiResult<T>, hooks?: HookContext | null): { result: ApiResult<T>; effects: Effects };
  /** {@link mutate}, then {@link settle}. */
  apply<T>(fn: (op: Op) => ApiResult<T>, hooks?: HookContext | null): Promise<ApiResult<T>>;
  /** Carries out a committed operation's effects. */
  settle(effects: Effects): Promise<void>;
  /** A message about to be added: attachments resolved, onMessageAdd asked, its answer applied. */
  messageToAdd(
    accountSid: string,
    request: AddMessageInput,
    source: ActionSource,
  ): Promise<ApiResult<{ input: AddMessageInput; hooks: HookContext | null }>>;
  /** The snapshot a socket starts from (again after a barge). */
  sendSnapshot(ws: WebSocket, state: SocketState, since: number | null): void;
  directory(workspaceSid: string): ReturnType<typeof directoryFor>;
  /** An RPC whose failure is logged and answered as false. */
  call(what: string, fn: () => Promise<ApiResult<unknown>>): Promise<boolean>;
  /** Sends the post-event outbox to the queue, then points the alarm at what is left. */
  flushHooks(): Promise<void>;
  /** Wipes the storage and its alarm and migrates the empty database again (a deletion). */
  wipe(): Promise<void>;
}
