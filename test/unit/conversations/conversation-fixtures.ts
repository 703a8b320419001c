/**
 * A ConversationDO's storage on node:sqlite (migrated) and the inputs the tests share: an account, a
 * workspace, an SMS channel, and a customer's first message.
 */
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import type { Opening } from "../../../durable-objects/conversation/lifecycle/inbound";
import type { InboundMessage } from "../../../channels/messages";
import { CONVERSATION_MIGRATIONS } from "../../../durable-objects/conversation/store/schema";
import { newOp, type Op } from "../../../durable-objects/conversation/lifecycle/conversation-operation";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { sqliteHost } from "../kit/sqlite-host";

export const ACCOUNT = "AC" + "5".repeat(32);
export const OTHER_ACCOUNT = "AC" + "6".repeat(32);
export const WORKSPACE = "WS" + "1".repeat(32);
export const CHANNEL = "XC" + "1".repeat(32);
export const SID = "CH" + "a".repeat(32);
export const WORKFLOW = "WW" + "1".repeat(32);
export const CARD = "4111 1111 1111 1111";

export function migratedHost(): StoreHost {
  const host = sqliteHost();
  applyMigrations(host, CONVERSATION_MIGRATIONS);
  return host;
}

/** One operation at `now`, its effects collected; run it inside a transaction like the shell does. */
export function at(host: StoreHost, now: number): Op {
  return newOp(host, SID, now);
}

export const context = (overrides: Partial<Opening> = {}): Opening => ({
  workspaceSid: WORKSPACE,
  channelSid: CHANNEL,
  kind: "twilio",
  workflowSid: WORKFLOW,
  taskChannel: "sms",
  customer: {
    profileSid: "PR" + "1".repeat(32),
    name: "Ada",
    email: "ada@example.com",
    phone: "+15550001111",
    lastWorkerSid: "WK" + "9".repeat(32),
    history: [
      { conversationSid: "CH" + "0".repeat(32), channel: "sms", dateCreated: "2026-01-01T00:00:00Z", workerSid: "WK" + "9".repeat(32) },
    ],
  },
  ...overrides,
});

export const inbound = (providerMessageId: string, body = "hello", overrides: Partial<InboundMessage> = {}): InboundMessage => ({
  providerMessageId,
  channel: "sms",
  customerAddress: "+15550001111",
  proxyAddress: "+15559990000",
  customerName: "Ada",
  body,
  media: [],
  attributes: {},
  thread: null,
  sentAt: 1_000,
  ...overrides,
});
