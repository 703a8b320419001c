/**
 * Meta's WhatsApp Cloud API as a channel (kind `whatsapp`): its webhooks (`object:
 * "whatsapp_business_account"`) become Switchboard's inbound messages and delivery statuses, and
 * agents' replies go out through `POST {graph}/{phone_number_id}/messages` (whatsapp-send.ts).
 *
 * Addresses: the customer is `whatsapp:+<wa_id>` — the form a Twilio WhatsApp number uses — so a person
 * who writes to a Twilio number and to a Cloud API number is the same address to the directory; a
 * customer known only by a business-scoped user ID is `whatsapp:<BSUID>`, kept as Meta wrote it, and
 * answered at that ID. Our side is the channel's `phone_number_id`. Only changes for the channel's own
 * phone_number_id are taken (one Meta app often serves several numbers, each its own channel).
 *
 * What is refused (400, Meta redelivers): a body that is not Meta's envelope — `object`, `entry[]`,
 * `changes[]`, a messages change without `metadata.phone_number_id`, `messages`/`statuses` that are
 * not lists. What is not: one message or status of a batch that cannot be read. The message is kept
 * as unsupported (whatsapp-messages.ts), the status skipped, and the rest of the batch taken.
 */
import { z } from "zod";
import type { ChannelConfig } from "./channel-config";
import type { InboundMessage, StatusUpdate } from "./messages";
import type { AdapterDeps, ChannelAdapter, WebhookContent, WebhookRequest } from "./adapter";
import { checked, readPayload } from "./meta-graph";
import { metaChallenge, validMetaSignature } from "./meta-signature";
import { deliverWhatsApp } from "./whatsapp-send";
import { normalizeWhatsApp, unreadableMessage, waErrors, whatsappAddress, whatsappMessage } from "./whatsapp-messages";

const status = z
  .object({
    id: z.string().min(1),
    status: z.string(),
    timestamp: z.string().regex(/^\d+$/, "expected seconds since the epoch"),
    recipient_id: z.string().min(1).optional(),
    recipient_user_id: z.string().min(1).optional(),
    errors: waErrors,
  })
  .refine((item) => item.recipient_id !== undefined || item.recipient_user_id !== undefined, {
    message: "expected a recipient",
    path: ["recipient_id"],
  });

const contact = z.object({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  profile: z.object({ name: z.string().optional() }).optional(),
});

const messagesValue = z.object({
  metadata: z.object({ phone_number_id: z.string() }),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

const payload = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.object({ id: z.string(), changes: z.array(z.object({ field: z.string(), value: z.unknown() })) })),
});

const STATUSES = { sent: "sent", delivered: "delivered", read: "read", failed: "failed" } as const;

export const whatsappAdapter: ChannelAdapter = {
  kind: "whatsapp",
  challenge: (url, config) => metaChallenge(url, config),
  verify: (request, config) => validMetaSignature(request, config),
  parse: parseWhatsApp,
  acknowledge: () => new Response("EVENT_RECEIVED", { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } }),
  deliver: deliverWhatsApp,
};

/** The first problem of a failed parse, with its path (`location.latitude: expected number`). */
const problemOf = (error: z.ZodError): string => {
  const issue = error.issues[0];
  return issue ? `${issue.path.length > 0 ? issue.path.join(".") + ": " : ""}${issue.message}` : "not a WhatsApp message";
};

async function parseWhatsApp(request: WebhookRequest, config: ChannelConfig, deps: AdapterDeps): Promise<WebhookContent> {
  const body = readPayload(payload, request.rawBody);
  const phoneNumberId = String(config.settings.phone_number_id ?? "");
  const messages: InboundMessage[] = [];
  const statuses: StatusUpdate[] = [];
  for (const [e, entry] of body.entry.entries()) {
    for (const [c, change] of entry.changes.entries()) {
      // Other fields (account_update, message_template_status_update …) carry no conversation.
      if (change.field !== "messages") continue;
      const value = checked(messagesValue, change.value, ["entry", e, "changes", c, "value"]);
      if (value.metadata.phone_number_id !== phoneNumberId) continue;
      const contacts = (value.contacts ?? []).flatMap((raw) => {
        const parsed = contact.safeParse(raw);
        return parsed.success ? [parsed.data] : [];
      });
      const nameOf = (sender: string) =>
        contacts.find((known) => known.wa_id === sender || known.user_id === sender)?.profile?.name ?? null;
      const about = { phoneNumberId, nameOf };
      for (const [m, raw] of (value.messages ?? []).entries()) {
        const item = whatsappMessage.safeParse(raw);
        const inbound = item.success
          ? await normalizeWhatsApp(item.data, about, config, deps)
          : await unreadableMessage(raw, problemOf(item.error), about, deps.now());
        // Logged by position only: the message is the customer's, never written to a log.
        if (!item.success && inbound === null)
          console.warn(`whatsapp ${config.sid}: entry.${e}.changes.${c}.value.messages.${m} names no sender; dropped`);
        if (inbound) messages.push(inbound);
      }
      for (const [s, raw] of (value.statuses ?? []).entries()) {
        const item = status.safeParse(raw);
        if (!item.success) {
          console.warn(`whatsapp ${config.sid}: entry.${e}.changes.${c}.value.statuses.${s} skipped: ${problemOf(item.error)}`);
          continue;
        }
        const mapped = STATUSES[item.data.status as keyof typeof STATUSES];
        if (!mapped) continue; // "deleted", "warning": nothing to show on the message
        const error = item.data.errors?.[0];
        statuses.push({
          providerMessageId: item.data.id,
          customerAddress: whatsappAddress((item.data.recipient_id ?? item.data.recipient_user_id)!),
          status: mapped,
          errorCode: error ? String(error.code) : null,
          errorMessage: error ? (error.title ?? error.message ?? null) : null,
          at: Number(item.data.timestamp) * 1000,
        });
      }
    }
  }
  return { messages, statuses };
}
