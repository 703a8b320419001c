/**
 * Card numbers out of attributes: the JSON documents on messages, participants, conversations, tasks
 * and workers. Every string in them is free text to card-numbers.ts — values and keys alike — except:
 *
 * - values under a key that names an address or an ID: `from`, `to`, `cc`, `bcc`, `reply_to`, `phone`,
 *   `email`, `identity`, `customerAddress`, `contact_uri`, `references`, `in_reply_to`, and any `id`,
 *   `sid`, `…_id`, `…_sid`, `…Id`, `…Sid` (`wa_id`, `message_id`, `sourceId`, `conversationSid`). A
 *   Messenger sender ID, a WhatsApp ID or a provider's message ID passes a Luhn check one time in ten
 *   and can carry an issuer's prefix; it is still never a card number, and masking it breaks replies,
 *   threading and the agent's view of who wrote. The cost is that a card number put under such a key
 *   by an integration stays as sent: these keys are for addresses.
 * - with `previous` (the Router's updates), values the stored document already held, unchanged: TaskRouter
 *   clients send the whole document back with one field changed, and what is stored is either masked
 *   already or was stored as given on purpose (a conversation task's `name` that is the customer's
 *   address, what a workspace stored with masking off).
 */
import { redactCardNumbers } from "./card-numbers";
import { isRecord } from "../../contract/is-record";

/** Address keys, compared lower-cased without `_` and `-` (`reply_to`, `replyTo`, `Reply-To`). */
const ADDRESS_KEYS = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "replyto",
  "phone",
  "phonenumber",
  "email",
  "emailaddress",
  "identity",
  "customeraddress",
  "contacturi",
  "references",
  "inreplyto",
]);

/**
 * Whether a key's value is an address or an ID rather than free text.
 * @example isIdentifierKey("wa_id") // true
 * @example isIdentifierKey("note") // false
 */
export function isIdentifierKey(key: string): boolean {
  return (
    /^s?id$/i.test(key) ||
    /_s?id$/i.test(key) ||
    /[a-z\d](?:Id|ID|Sid|SID)$/.test(key) ||
    ADDRESS_KEYS.has(key.toLowerCase().replace(/[_-]/g, ""))
  );
}

function mask(value: unknown, previous: unknown, identifier: boolean): unknown {
  if (typeof value === "string") return identifier || value === previous ? value : redactCardNumbers(value);
  if (Array.isArray(value)) {
    const before: readonly unknown[] = Array.isArray(previous) ? previous : [];
    let changed = false;
    const out = value.map((item: unknown, i) => {
      const masked = mask(item, before[i], identifier);
      changed ||= masked !== item;
      return masked;
    });
    return changed ? out : value;
  }
  if (isRecord(value)) {
    const before = isRecord(previous) ? previous : {};
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const had = Object.hasOwn(before, key);
      const maskedKey = had ? key : redactCardNumbers(key);
      const masked = mask(item, had ? before[key] : undefined, isIdentifierKey(key));
      changed ||= maskedKey !== key || masked !== item;
      // A "__proto__" key from JSON.parse is data; assigning it would set the prototype instead.
      Object.defineProperty(out, maskedKey, { value: masked, enumerable: true, writable: true, configurable: true });
    }
    return changed ? out : value;
  }
  return value;
}

/**
 * A JSON-like value with card numbers masked in every string but addresses and IDs (keys included);
 * with `previous`, strings it already held at the same place are kept. The value itself comes back
 * when nothing was masked, so a caller can keep the text it was parsed from.
 *
 * @example redactDeep({ note: "4111111111111111", from: "5372873542762912" }) // { note: "************1111", from: "5372873542762912" }
 * @example redactDeep({ note: "4111 1111 1111 1111", x: 1 }, { note: "4111 1111 1111 1111" }) // unchanged: already stored
 */
export function redactDeep<T>(value: T, previous?: unknown): T {
  return mask(value, previous, false) as T;
}
