/**
 * The ConversationDO's changes to the conversation itself, each asking its pre-event first (a refusal is
 * the answer; an answer's changes are applied to the input) and keeping the workspace's DirectoryDO
 * entry in step: `create` (the directory holds the workspace's unique names, so it is asked before the
 * row is written, and told again if the create lost), `updateConversation` (a new unique name is claimed
 * there first), and `deleteConversation` (storage wiped, a tombstone left so the SID is never reused,
 * the post-events and supervisors' actions not yet sent carried over the wipe).
 */
import { defined, ok, type ApiResult } from "../common/rpc";
import type { ConversationRecord } from "../../contract/conversations";
import type { CreateConversationInput, UpdateConversationInput } from "../common/conversations";
import type { ActionSource } from "../common/conversation-webhooks";
import type { ConversationWebhookMessage } from "../../platform/events-queue";
import { unsent } from "../kit/outbox";
import { chatServiceSid, conversationRecord, conversationRow } from "./store/conversation-rows";
import * as conversations from "./lifecycle/conversation";
import * as participants from "./lifecycle/participants";
import { hookRequests, HOOKS_TOPIC, writeRequests } from "./lifecycle/hooks";
import type { HookEvent } from "./lifecycle/conversation-operation";
import { CLOSE, close, openSockets } from "./sockets";
import type { ConversationHost } from "./conversation-host";

/** What a deletion carries over of an outbox the queue could not take. */
const MAX_PENDING_HOOKS = 1_000;

/** A new conversation (REST, or a channel's first message) with its first participants; 409 for a SID used before. */
export async function createConversation(
  host: ConversationHost,
  accountSid: string,
  request: CreateConversationInput,
  source: ActionSource,
): Promise<ApiResult<ConversationRecord>> {
  const hooks = await host.webhooks.context({ account_sid: accountSid, workspace_sid: request.workspaceSid }, source);
  const pre = await host.webhooks.pre(hooks, accountSid, {
    type: "onConversationAdd",
    chatServiceSid: chatServiceSid(request.workspaceSid),
    friendlyName: request.friendlyName,
    uniqueName: request.uniqueName,
    attributes: request.attributes,
    state: request.state,
  });
  if (!pre.ok) return pre;
  const { friendlyName, uniqueName, attributes } = pre.value;
  const input: CreateConversationInput = { ...request, ...defined({ friendlyName, uniqueName, attributes }) };
  const checked = conversations.newConversation(host.op(), accountSid, input);
  if (!checked.ok) return checked;
  const initial = input.participants ?? [];
  const participantsOk = participants.checkInitialParticipants(initial);
  if (!participantsOk.ok) return participantsOk;
  // The directory holds the workspace's unique names: it answers 50353 for one already taken.
  const indexed = await host.directory(input.workspaceSid).upsert(accountSid, conversations.indexEntry(host.op(), checked.value));
  if (!indexed.ok) return indexed;
  const { result, effects } = host.mutate((op) => {
    const blocked = conversations.cannotCreate(op, input.workspaceSid);
    if (!blocked.ok) return blocked;
    const record = conversations.storeConversation(op, checked.value);
    const row = conversationRow(op.host)!;
    for (const participant of initial) {
      const added = participants.insertParticipant(op, row, participant);
      if (!added.ok) return added;
    }
    return ok(record);
  }, hooks);
  if (!result.ok) {
    // Another create won meanwhile: put its entry back. Nothing was stored: take ours out again.
    if (conversationRow(host.ctx.storage)) effects.index = true;
    else
      await host.call("removing the refused conversation's entry", () => host.directory(input.workspaceSid).remove(accountSid, host.sid));
  }
  await host.settle(effects);
  return result;
}

/** Its names, attributes, state or timers. */
export async function updateConversation(
  host: ConversationHost,
  accountSid: string,
  request: UpdateConversationInput,
  source: ActionSource,
): Promise<ApiResult<ConversationRecord>> {
  const loaded = host.loaded(accountSid);
  if (!loaded.ok) return loaded;
  const hooks = await host.webhooks.context(loaded.value, source);
  const pre = await host.webhooks.pre(hooks, accountSid, {
    type: "onConversationUpdate",
    conversation: conversationRecord(loaded.value),
    ...request,
  });
  if (!pre.ok) return pre;
  const { friendlyName, uniqueName, attributes, state } = pre.value;
  const input: UpdateConversationInput = { ...request, ...defined({ friendlyName, uniqueName, attributes, state }) };
  // Read again: other requests ran while the pre-event webhook was asked.
  const row = host.loaded(accountSid);
  if (!row.ok) return row;
  if (input.uniqueName !== undefined && (input.uniqueName || null) !== row.value.unique_name) {
    const patched = conversations.patchedConversation(row.value, input, Date.now());
    if (!patched.ok) return patched;
    const indexed = await host.directory(row.value.workspace_sid).upsert(accountSid, conversations.indexEntry(host.op(), patched.value));
    if (!indexed.ok) return indexed;
  }
  return host.apply((op) => conversations.updateConversation(op, accountSid, input), hooks);
}

/** Gone for good: later calls 404 and a later create 409 (the tombstone). */
export async function deleteConversation(host: ConversationHost, accountSid: string, source: ActionSource): Promise<ApiResult<null>> {
  const before = host.loaded(accountSid);
  if (!before.ok) return before;
  const hooks = await host.webhooks.context(before.value, source);
  const pre = await host.webhooks.pre(hooks, accountSid, {
    type: "onConversationRemove",
    conversation: conversationRecord(before.value),
  });
  if (!pre.ok) return pre;
  const row = host.loaded(accountSid);
  if (!row.ok) return row;
  // Its requests are made now, while the scoped webhooks are still there: the storage is about to be wiped.
  const removed: HookEvent = { type: "onConversationRemoved", conversation: conversationRecord(row.value) };
  const requests = hookRequests(host.ctx.storage, accountSid, [removed], hooks, Date.now());
  for (const ws of openSockets(host.ctx)) close(ws, CLOSE.deleted, "The conversation was deleted");
  const unlisted = await host
    .directory(row.value.workspace_sid)
    .remove(accountSid, host.sid)
    .catch((error: unknown) => ({ ok: false, message: String(error) }) as const);
  if (!unlisted.ok) console.error(`ConversationDO ${host.sid}: the directory entry could not be removed: ${unlisted.message}`);
  // Earlier events not queued yet survive the wipe too (after any flush in flight, so its row ids are done with).
  await host.webhooks.outbox.drain();
  // Supervisors' actions and survey answers not yet recorded by the Router get one last try (a failure is logged by the outbox).
  await host.workspaceEvents.drain();
  const pending = unsent(host.ctx.storage, HOOKS_TOPIC, MAX_PENDING_HOOKS).map((row) => JSON.parse(row.body) as ConversationWebhookMessage);
  await host.wipe();
  conversations.writeTombstone(host.op(), accountSid);
  if (writeRequests(host.ctx.storage, [...pending, ...requests]) > 0) {
    host.webhooks.outbox.guard(host.ctx.storage, Date.now());
    await host.flushHooks();
  }
  return ok(null);
}
