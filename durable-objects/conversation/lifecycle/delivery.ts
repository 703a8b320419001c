/**
 * Delivery of agents' messages to the customer's channel (SMS, WhatsApp, Messenger, email …), in the
 * order they were written: a queue by message index of which only the head is ever in flight. A `retry`
 * outcome keeps the head and backs off (2 s, 4 s, 8 s … capped at a minute); after
 * {@link MAX_DELIVERY_ATTEMPTS} tries, or on a `failed` outcome, the message is marked failed with the
 * provider's error (visible on the message and in a `message.updated` frame) and the queue moves on.
 *
 * The `delivery` timer is both the backoff and the lock: while a send is in flight it points
 * {@link IN_FLIGHT_MS} ahead, so a second drain (another request, the alarm) waits, and an object
 * evicted mid-send retries from its alarm. Around the await, the head's attempt count is the version:
 * the outcome is written only if the head is still the message and attempt that was sent.
 *
 * Provider status callbacks then move the message forward (sent → delivered → read), never back.
 */
import { retryDelayMs, retryPolicy } from "../../../platform/backoff";
import type { DeliveryOutcome, EmailThread, OutboundMessage, StatusUpdate } from "../../../channels/messages";
import type { DeliveryReceiptRecord, DeliveryStatus, MediaRef, ConversationFrame } from "../../../contract/conversations";
import { first, run, type StoreHost } from "../../kit/sql-host";
import {
  conversationRow,
  messageBy,
  messageRecord,
  messageRows,
  participantRows,
  receiptRecord,
  saveMessage,
  type MessageRow,
} from "../store/conversation-rows";
import { clearTimer, setTimer, timerDueAt } from "../../kit/timers";
import type { Op } from "./conversation-operation";

export const MAX_DELIVERY_ATTEMPTS = 8;
const DELIVERY_RETRIES = retryPolicy({ baseDelayMs: 2_000, maxDelayMs: 60_000, maxAttempts: MAX_DELIVERY_ATTEMPTS });
/** How long a send may take before the alarm treats it as lost and tries again. */
export const IN_FLIGHT_MS = 30_000;

/** Whether anything waits in the delivery queue. */
export const hasDeliveries = (host: StoreHost): boolean => headOf(host) !== undefined;

/** Puts a stored message at the tail of the delivery queue. */
export function enqueueDelivery(op: Op, messageIdx: number): void {
  run(op.host, "INSERT OR IGNORE INTO sb_deliveries (message_idx, attempts) VALUES (?, 0)", messageIdx);
  op.effects.deliver = true;
}

interface Head {
  readonly message_idx: number;
  readonly attempts: number;
}

const headOf = (host: StoreHost): Head | undefined =>
  first<Head>(host, "SELECT message_idx, attempts FROM sb_deliveries ORDER BY message_idx LIMIT 1");

/** The email headers that keep a reply in the customer's thread: a reply to their latest mail. */
function emailThread(host: StoreHost, row: MessageRow, customerAddress: string): EmailThread | null {
  const inbound = messageRows(host, "WHERE author = ? AND idx < ? ORDER BY idx DESC LIMIT 1", customerAddress, row.idx)[0];
  if (!inbound) return null;
  const email = (JSON.parse(inbound.attributes) as { email?: { subject?: unknown; message_id?: unknown; references?: unknown } }).email;
  if (!email || typeof email.message_id !== "string") return null;
  const subject = typeof email.subject === "string" ? email.subject : "";
  // The customer's chain, then their mail: mail clients thread on the whole References list.
  const earlier = Array.isArray(email.references) ? email.references.filter((id): id is string => typeof id === "string") : [];
  return {
    messageId: `<${row.sid}@switchboard>`,
    inReplyTo: email.message_id,
    references: [...earlier.filter((id) => id !== email.message_id), email.message_id],
    subject: /^re:/i.test(subject) ? subject : `Re: ${subject}`.trim(),
  };
}

/** The head message as the adapter gets it; null when the conversation has no customer binding any more. */
function outbound(host: StoreHost, sid: string, row: MessageRow): OutboundMessage | null {
  const customer = participantRows(host).find((p) => p.role === "customer" && p.binding_address !== null);
  if (!customer || customer.binding_address === null) return null;
  const author = participantRows(host).find((p) => p.sid === row.participant_sid);
  return {
    conversationSid: sid,
    messageSid: row.sid,
    index: row.idx,
    customerAddress: customer.binding_address,
    proxyAddress: customer.binding_proxy_address ?? "",
    body: row.body ?? "",
    media: row.media === null ? [] : (JSON.parse(row.media) as MediaRef[]),
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    thread: emailThread(host, row, customer.binding_address),
    authorName: author?.display_name ?? null,
  };
}

/** Statuses a delivery receipt shows (queued and sending come before the receipt exists). */
const RECEIPTED: readonly (DeliveryStatus | null | undefined)[] = ["sent", "delivered", "read", "failed", "undelivered"];

/** Hears a delivery receipt that moved (sent, delivered, read, failed, undelivered): the onDeliveryUpdated post-event. */
export type ReceiptListener = (receipt: DeliveryReceiptRecord) => void;

/** Writes a message's new delivery state (and its receipt's dates) and its frame; a receipt that moved is heard. */
function setStatus(
  host: StoreHost,
  row: MessageRow,
  patch: Partial<MessageRow>,
  now: number,
  publish: (frame: ConversationFrame) => void,
  onReceipt?: ReceiptListener,
) {
  const conversation = conversationRow(host);
  if (!conversation) return;
  const receipted = RECEIPTED.includes(patch.delivery_status);
  const updated = {
    ...row,
    ...patch,
    date_updated: now,
    receipt_created_at: receipted ? (row.receipt_created_at ?? now) : row.receipt_created_at,
    receipt_updated_at: receipted ? now : row.receipt_updated_at,
  };
  saveMessage(host, updated);
  publish({ type: "message.updated", message: messageRecord(conversation, updated) });
  const receipt = onReceipt && updated.delivery_status !== row.delivery_status ? receiptRecord(conversation, updated) : null;
  if (onReceipt && receipt) onReceipt(receipt);
}

/**
 * Sends the queue's messages in order until it is empty or the head must wait.
 * `send` makes one attempt (the shell's Deliver port with the channel's configuration); never throws
 * for a provider's refusal (an exception counts as `retry`).
 * @example await drainDeliveries(ctx.storage, "CH…", (message) => deliver(message, config), Date.now, push)
 */
export async function drainDeliveries(
  host: StoreHost,
  sid: string,
  send: (message: OutboundMessage) => Promise<DeliveryOutcome>,
  now: () => number,
  publish: (frame: ConversationFrame) => void,
  receipted?: ReceiptListener,
): Promise<void> {
  for (;;) {
    const start = host.transactionSync(() => {
      const head = headOf(host);
      if (!head) {
        clearTimer(host, "delivery", "");
        return null;
      }
      const due = timerDueAt(host, "delivery", "");
      if (due !== null && due > now()) return null; // backing off, or another drain has it in flight
      const row = messageBy(host, "idx", head.message_idx);
      const message = row ? outbound(host, sid, row) : null;
      if (!row || !message) {
        run(host, "DELETE FROM sb_deliveries WHERE message_idx = ?", head.message_idx);
        if (row)
          setStatus(
            host,
            row,
            { delivery_status: "failed", delivery_error: "The customer has no messaging binding" },
            now(),
            publish,
            receipted,
          );
        return { skip: true } as const;
      }
      const attempt = head.attempts + 1;
      run(host, "UPDATE sb_deliveries SET attempts = ? WHERE message_idx = ?", attempt, head.message_idx);
      setTimer(host, "delivery", "", now() + IN_FLIGHT_MS);
      if (row.delivery_status !== "sending") setStatus(host, row, { delivery_status: "sending" }, now(), publish);
      return { skip: false, idx: head.message_idx, attempt, message } as const;
    });
    if (start === null) return;
    if (start.skip) continue;

    let outcome: DeliveryOutcome;
    try {
      outcome = await send(start.message);
    } catch (error) {
      outcome = { kind: "retry", error: error instanceof Error ? error.message : String(error) };
    }

    const stop = host.transactionSync(() => {
      const head = headOf(host);
      // Someone removed the message, or a later drain took over after our in-flight guard ran out.
      if (!head || head.message_idx !== start.idx || head.attempts !== start.attempt) return false;
      const row = messageBy(host, "idx", start.idx);
      if (!row) return false;
      return settle(host, row, start.attempt, outcome, now(), publish, receipted);
    });
    if (stop) return;
  }
}

/** Records one attempt's outcome; answers whether the queue must wait (a retry backing off). */
function settle(
  host: StoreHost,
  row: MessageRow,
  attempt: number,
  outcome: DeliveryOutcome,
  now: number,
  publish: (frame: ConversationFrame) => void,
  receipted?: ReceiptListener,
) {
  switch (outcome.kind) {
    case "sent":
      run(host, "DELETE FROM sb_deliveries WHERE message_idx = ?", row.idx);
      clearTimer(host, "delivery", "");
      setStatus(
        host,
        row,
        { delivery_status: "sent", delivery_error: null, provider_message_id: outcome.providerMessageId },
        now,
        publish,
        receipted,
      );
      return false;
    case "failed":
      run(host, "DELETE FROM sb_deliveries WHERE message_idx = ?", row.idx);
      clearTimer(host, "delivery", "");
      setStatus(
        host,
        row,
        {
          delivery_status: "failed",
          delivery_error: errorText(outcome.error, outcome.errorCode),
          delivery_error_code: errorCode(outcome.errorCode),
        },
        now,
        publish,
        receipted,
      );
      return false;
    case "retry": {
      const delay = retryDelayMs(DELIVERY_RETRIES, attempt);
      if (delay === null) {
        run(host, "DELETE FROM sb_deliveries WHERE message_idx = ?", row.idx);
        clearTimer(host, "delivery", "");
        const error = `Gave up after ${attempt} attempts: ${outcome.error}`;
        setStatus(host, row, { delivery_status: "failed", delivery_error: error }, now, publish, receipted);
        return false;
      }
      run(host, "UPDATE sb_deliveries SET last_error = ? WHERE message_idx = ?", outcome.error, row.idx);
      setTimer(host, "delivery", "", now + delay);
      if (row.delivery_status !== "queued") setStatus(host, row, { delivery_status: "queued" }, now, publish);
      return true;
    }
    default: {
      const never: never = outcome;
      throw new Error(`unknown delivery outcome ${JSON.stringify(never)}`);
    }
  }
}

const errorText = (error: string, code: string | null): string => (code === null ? error : `${code}: ${error}`);

/** A provider's error code as the receipt's integer (Twilio's are numbers; anything else has none). */
const errorCode = (code: string | null): number | null => (code !== null && /^\d{1,9}$/.test(code) ? Number(code) : null);

/** How far along a delivery is; a status report never moves a message back. */
const PROGRESS: Record<DeliveryStatus, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4, failed: 5, undelivered: 5 };

/** Whether a provider's report moves a message from `from` to `to`. */
export function advances(from: DeliveryStatus | null, to: StatusUpdate["status"]): boolean {
  if (from === null || from === "failed" || from === "undelivered") return false; // a failure stays visible
  if (to === "failed" || to === "undelivered") return from !== "delivered" && from !== "read";
  return PROGRESS[to] > PROGRESS[from];
}

/** A provider's status report, applied to the message it sent under that ID; null when none matches. */
export function applyStatus(op: Op, update: StatusUpdate): string | null {
  if (update.watermark !== undefined) return applyWatermark(op, update, update.watermark);
  const row = messageBy(op.host, "provider_message_id", update.providerMessageId);
  if (!row) return null;
  return applyTo(op, row, update);
}

/**
 * A watermark (Messenger's `read` and ID-less `delivery`): everything the provider took at or before
 * it has reached the status. Answers the last message it moved, or null.
 */
function applyWatermark(op: Op, update: StatusUpdate, watermark: number): string | null {
  const taken = messageRows(op.host, "WHERE provider_message_id IS NOT NULL AND date_created <= ? ORDER BY idx", watermark);
  let last: string | null = null;
  for (const row of taken) if (advances(row.delivery_status, update.status)) last = applyTo(op, row, update);
  return last;
}

function applyTo(op: Op, row: MessageRow, update: StatusUpdate): string {
  if (!advances(row.delivery_status, update.status)) return row.sid;
  const failedNow = update.status === "failed" || update.status === "undelivered";
  const error = failedNow
    ? errorText(update.errorMessage ?? `The provider reported ${update.status}`, update.errorCode)
    : row.delivery_error;
  const code = failedNow ? errorCode(update.errorCode) : row.delivery_error_code;
  setStatus(
    op.host,
    row,
    { delivery_status: update.status, delivery_error: error, delivery_error_code: code },
    op.now,
    (frame) => op.effects.frames.push(frame),
    (receipt) => op.effects.hooks.push({ type: "onDeliveryUpdated", receipt }),
  );
  return row.sid;
}
