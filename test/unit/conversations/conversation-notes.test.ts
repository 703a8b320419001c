/**
 * Staff-only messages in the pure core, on node:sqlite: a note is stored with its visibility and the
 * author's role and masked like any message, never queued for delivery to an SMS customer, left out of
 * what the customer may read (their snapshot, their unread count, the widget's list), refused from the
 * customer, sent to the team's webhooks marked `Visibility=staff` (pre- and post-event) and never to a
 * keyword trigger; and every supervisor action is one outbox message naming the task and its agent.
 */
import { describe, expect, it } from "vitest";
import type { WebhookConfig } from "../../../durable-objects/common/conversation-webhooks";
import { HOOKS_TOPIC, queueHooks } from "../../../durable-objects/conversation/lifecycle/hooks";
import { receive } from "../../../durable-objects/conversation/lifecycle/inbound";
import { addMessage, listMessages, messagesSince } from "../../../durable-objects/conversation/lifecycle/messages";
import { addParticipant, membership } from "../../../durable-objects/conversation/lifecycle/participants";
import { preEventParams } from "../../../durable-objects/conversation/lifecycle/pre-events";
import { createScopedWebhook } from "../../../durable-objects/conversation/lifecycle/scoped-webhooks";
import { recordSupervision } from "../../../durable-objects/conversation/lifecycle/supervision";
import { WORKSPACE_EVENTS_TOPIC, type WorkspaceEventMessage } from "../../../durable-objects/conversation/lifecycle/workspace-events";
import { conversationRecord, conversationRow } from "../../../durable-objects/conversation/store/conversation-rows";
import { rows } from "../../../durable-objects/kit/sql-host";
import { unsent } from "../../../durable-objects/kit/outbox";
import type { ConversationWebhookMessage } from "../../../platform/events-queue";
import type { Op } from "../../../durable-objects/conversation/lifecycle/conversation-operation";
import { ACCOUNT, CARD, at, context, inbound, migratedHost } from "./conversation-fixtures";

const value = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};
const ANN = "WK" + "a".repeat(32);
const SUE = "WK" + "5".repeat(32);

/** An SMS customer's conversation (their first message, index 0) with Ann in it. */
function smsConversation() {
  const host = migratedHost();
  host.transactionSync(() => value(receive(at(host, 1_000), ACCOUNT, context(), inbound("SM1", "where is my parcel?"))));
  host.transactionSync(() => value(addParticipant(at(host, 2_000), ACCOUNT, { identity: ANN, displayName: "Ann" })));
  return host;
}
const queued = (host: ReturnType<typeof migratedHost>) =>
  rows<{ message_idx: number }>(host, "SELECT message_idx FROM sb_deliveries ORDER BY message_idx").map((r) => r.message_idx);

describe("a note", () => {
  it("is stored masked and marked, with its author's role, and never queued for the customer's channel", () => {
    const host = smsConversation();
    const op = at(host, 3_000);
    const note = value(host.transactionSync(() => addMessage(op, ACCOUNT, { author: ANN, body: `card ${CARD}?`, visibility: "staff" })));
    expect(note).toMatchObject({ visibility: "staff", author_role: "agent", delivery_status: null, body: "card **** **** **** 1111?" });
    expect(op.effects.deliver).toBe(false);
    const reply = value(host.transactionSync(() => addMessage(at(host, 4_000), ACCOUNT, { author: ANN, body: "On its way" })));
    expect(reply).toMatchObject({ visibility: "all", author_role: "agent", delivery_status: "queued" });
    // Only the reply waits for the customer's channel.
    expect(queued(host)).toEqual([reply.index]);
  });

  it("is left out of what the customer reads: their snapshot, their unread count and the widget's list", () => {
    const host = smsConversation();
    host.transactionSync(() => value(addMessage(at(host, 3_000), ACCOUNT, { author: ANN, body: "VIP", visibility: "staff" })));
    const row = conversationRow(host)!;
    const op = at(host, 4_000);
    expect(messagesSince(op, row, null, false).map((m) => m.body)).toEqual(["where is my parcel?"]);
    expect(messagesSince(op, row, null, true).map((m) => m.body)).toEqual(["where is my parcel?", "VIP"]);
    // The customer has read nothing yet: one unread (their own message 0), not two; Ann sees the note.
    const [customerSid] = rows<{ sid: string }>(host, "SELECT sid FROM sb_participants WHERE role = 'customer'").map((r) => r.sid);
    const customer = value(membership(op, ACCOUNT, customerSid!));
    expect(customer.lastMessageIndex).toBe(0);
    expect(value(membership(op, ACCOUNT, ANN)).lastMessageIndex).toBe(1);
    const page = (audience: "staff" | "customer") =>
      value(listMessages(op, ACCOUNT, { pageSize: 50, page: 0 }, "asc", audience)).items.map((m) => m.body);
    expect(page("customer")).toEqual(["where is my parcel?"]);
    expect(page("staff")).toEqual(["where is my parcel?", "VIP"]);
  });

  it.each([
    ["the customer", { author: "+15550001111", body: "psst", visibility: "staff" as const }, "Visibility"],
    ["an unknown visibility", { author: ANN, body: "x", visibility: "secret" as "staff" }, "Visibility"],
  ])("is refused from %s with a 400 naming the problem, storing nothing", (_, input, param) => {
    const host = smsConversation();
    const result = host.transactionSync(() => addMessage(at(host, 3_000), ACCOUNT, input));
    expect(result).toMatchObject({ ok: false, status: 400, message: expect.stringContaining(param) });
    expect(rows(host, "SELECT idx FROM sb_messages")).toHaveLength(1);
  });

  it("goes to the team's webhooks marked Visibility=staff, and never to a keyword trigger", () => {
    const host = smsConversation();
    const service: WebhookConfig = {
      pre_webhook_url: null,
      post_webhook_url: "https://hooks.example/post",
      method: null,
      filters: ["onMessageAdded"],
      target: "webhook",
    };
    host.transactionSync(() =>
      value(createScopedWebhook(at(host, 2_500), ACCOUNT, { target: "trigger", url: "https://bot.example/", triggers: ["refund"] })),
    );
    const write = (op: Op, fn: (op: Op) => unknown) => {
      fn(op);
      queueHooks(
        host,
        ACCOUNT,
        op.effects.hooks,
        { source: { source: "SDK", webhooks: true }, configs: { service, account: null } },
        op.now,
      );
    };
    write(at(host, 3_000), (op) => addMessage(op, ACCOUNT, { author: ANN, body: "offer a refund?", visibility: "staff" }));
    write(at(host, 4_000), (op) => addMessage(op, ACCOUNT, { author: ANN, body: "A refund is on its way" }));
    const sent = unsent(host, HOOKS_TOPIC, 10).map((r) => JSON.parse(r.body) as ConversationWebhookMessage);
    expect(sent.map((r) => [r.url, r.params.Body, r.params.Visibility])).toEqual([
      ["https://hooks.example/post", "offer a refund?", "staff"],
      ["https://hooks.example/post", "A refund is on its way", undefined],
      ["https://bot.example/", "A refund is on its way", undefined],
    ]);
    const conversation = conversationRecord(conversationRow(host)!);
    const pre = (visibility?: "staff") =>
      preEventParams(
        { type: "onMessageAdd", conversation, author: ANN, body: "x", participantSid: null, media: [], visibility },
        { source: "SDK", webhooks: true },
        ACCOUNT,
      ).Visibility;
    expect([pre("staff"), pre()]).toEqual(["staff", undefined]);
  });
});

describe("a supervisor's action", () => {
  it("is one outbox message naming the conversation, its task and its agent, and the supervisor", () => {
    const host = smsConversation();
    host.transactionSync(() =>
      host.sql.exec(
        "INSERT INTO sb_tasks (task_sid, worker_sid, status, date_created) VALUES (?, ?, 'assigned', 0)",
        "WT" + "7".repeat(32),
        ANN,
      ),
    );
    host.transactionSync(() => host.sql.exec("UPDATE sb_conversation SET task_sid = ?", "WT" + "7".repeat(32)));
    const op = at(host, 5_000);
    host.transactionSync(() =>
      recordSupervision(
        op,
        conversationRow(host)!,
        "supervisor.whisper",
        { workerSid: SUE, userSid: null, name: "Sue" },
        { messageSid: "IM1" },
      ),
    );
    expect(op.effects.workspaceEvents).toBe(true);
    const [message] = unsent(host, WORKSPACE_EVENTS_TOPIC, 10).map((r) => JSON.parse(r.body) as WorkspaceEventMessage);
    expect(message).toEqual({
      accountSid: ACCOUNT,
      workspaceSid: context().workspaceSid,
      event: {
        key: expect.stringMatching(/^[0-9a-f]{24}$/),
        type: "supervisor.whisper",
        at: 5_000,
        conversationSid: conversationRow(host)!.sid,
        taskSid: "WT" + "7".repeat(32),
        workerSid: ANN,
        supervisor: { workerSid: SUE, userSid: null, name: "Sue" },
        messageSid: "IM1",
      },
    });
  });
});
