/**
 * Who is who across channels: a customer's address on a channel, normalized into the key that
 * identifies the person behind it. A phone number is one key whatever carries it (SMS "+15551234567",
 * Twilio's WhatsApp "whatsapp:+15551234567", WhatsApp Cloud's wa_id "15551234567"), an email address is
 * one key whatever its case or display name, and IDs that mean nothing outside their channel
 * (Messenger PSIDs, Instagram IDs, web visitor IDs) are keys of their own. A profile holds every key of
 * its addresses plus those of its email and phone, and a key belongs to one profile at most.
 *
 * Pure: no storage, no `cloudflare:*`; table-tested in Node.
 */
import type { ConversationChannel } from "../../contract/conversations";

export const CONVERSATION_CHANNELS: readonly ConversationChannel[] = [
  "web",
  "sms",
  "whatsapp",
  "messenger",
  "instagram",
  "email",
  "custom",
];

/** The longest address we keep (emails are at most 254 characters; anything longer is not an address). */
export const MAX_ADDRESS_LENGTH = 320;

/**
 * A phone number in E.164 (`+` and 7 to 15 digits), from the ways channels write it: with Twilio's
 * `whatsapp:`/`sms:` prefix, WhatsApp Cloud's bare digits, or spaces, dashes, dots and parentheses.
 * Null for anything else (short codes, alphanumeric sender IDs, text).
 * @example normalizePhone("whatsapp:+1 (555) 123-4567") // "+15551234567"
 * @example normalizePhone("15551234567")                // "+15551234567" (WhatsApp Cloud wa_id)
 */
export function normalizePhone(raw: string): string | null {
  const bare = raw
    .trim()
    .replace(/^(whatsapp|sms|tel):/i, "")
    .replace(/[\s\-().]/g, "");
  const digits = bare.startsWith("+") ? bare.slice(1) : bare;
  if (!/^[1-9]\d{6,14}$/.test(digits)) return null;
  return `+${digits}`;
}

/**
 * An email address, lower-cased, from a bare address or a `Name <address>` mailbox. Null when it is not
 * one (no `@`, spaces, several `@`).
 * @example normalizeEmail("Ada Lovelace <Ada@Example.COM>") // "ada@example.com"
 */
export function normalizeEmail(raw: string): string | null {
  const trimmed = raw.trim();
  const inBrackets = /<([^<>]*)>\s*$/.exec(trimmed);
  const address = (inBrackets ? inBrackets[1]! : trimmed).trim().toLowerCase();
  if (address.length > 254 || !/^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(address)) return null;
  return address;
}

/**
 * The key of the person behind an address on a channel: `phone:+…` for SMS and WhatsApp numbers,
 * `email:…` for mail, else `<channel>:<address>` (a web visitor, a PSID, an SMS sender ID that is no
 * phone number, a WhatsApp business-scoped user ID — without the `whatsapp:` Twilio-style prefix it may
 * carry, so the channel is named once). Null when the address is empty or too long.
 * @example profileKey("sms", "+15551234567")               // "phone:+15551234567"
 * @example profileKey("whatsapp", "whatsapp:+15551234567") // "phone:+15551234567"
 * @example profileKey("whatsapp", "whatsapp:US.1349…")    // "whatsapp:US.1349…" (a business-scoped user ID)
 * @example profileKey("web", "visitor-42")                 // "web:visitor-42"
 */
export function profileKey(channel: ConversationChannel, address: string): string | null {
  const trimmed = address.trim();
  if (trimmed === "" || trimmed.length > MAX_ADDRESS_LENGTH) return null;
  switch (channel) {
    case "sms":
    case "whatsapp": {
      const phone = normalizePhone(trimmed);
      return phone ? `phone:${phone}` : `${channel}:${trimmed.replace(/^(whatsapp|sms):/i, "")}`;
    }
    case "email": {
      const email = normalizeEmail(trimmed);
      return email ? `email:${email}` : null;
    }
    case "web":
    case "messenger":
    case "instagram":
    case "custom":
      return `${channel}:${trimmed}`;
    default: {
      const never: never = channel;
      return never;
    }
  }
}

/** The key of an email address given as a contact detail (a profile's `email`, a pre-chat form). */
export const emailKey = (email: string): string | null => {
  const normalized = normalizeEmail(email);
  return normalized ? `email:${normalized}` : null;
};

/** The key of a phone number given as a contact detail. */
export const phoneKey = (phone: string): string | null => {
  const normalized = normalizePhone(phone);
  return normalized ? `phone:${normalized}` : null;
};

/**
 * What an address tells about the person's contact details: the phone of an SMS or WhatsApp number,
 * the email of a mail address; nothing for the other channels.
 * @example contactOf("whatsapp", "15551234567") // { phone: "+15551234567", email: null }
 */
export function contactOf(channel: ConversationChannel, address: string): { phone: string | null; email: string | null } {
  if (channel === "sms" || channel === "whatsapp") return { phone: normalizePhone(address), email: null };
  if (channel === "email") return { phone: null, email: normalizeEmail(address) };
  return { phone: null, email: null };
}

export const isConversationChannel = (value: unknown): value is ConversationChannel =>
  typeof value === "string" && (CONVERSATION_CHANNELS as readonly string[]).includes(value);
