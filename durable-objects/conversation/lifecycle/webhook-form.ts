/**
 * The form parameters of a Conversations webhook (pre- and post-events), as they leave for another
 * system: absent values left out, as Twilio leaves unset parameters out, and card numbers masked in what
 * is free text — `Body`, and the `Attributes` and `Media` documents as attributes are masked everywhere
 * (card-attributes.ts: addresses and IDs inside them kept). Everything else is an address, an identity,
 * a SID, a date or a name as stored: a Messenger sender ID or a WhatsApp ID passes a Luhn check one time in
 * ten, and masking it would hide who wrote (the lifecycle masks typed names when it stores them; a
 * pre-event masks the names it is given itself).
 */
import { redactDeep } from "../../common/card-attributes";
import { redactCardNumbers } from "../../common/card-numbers";
import type { FormParams } from "../../../callbacks/signature";

const FREE_TEXT: ReadonlySet<string> = new Set(["Body"]);
const DOCUMENTS: ReadonlySet<string> = new Set(["Attributes", "Media"]);

/** A JSON document's text with card numbers masked in its free text; the text as it was when nothing changes. */
function maskedDocument(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return redactCardNumbers(text); // not JSON (never stored so): all of it is free text
  }
  const masked = redactDeep(parsed);
  return masked === parsed ? text : JSON.stringify(masked);
}

/**
 * The parameters to send, free text masked.
 * @example webhookForm({ Author: "4242424242424242", Body: "4111 1111 1111 1111", State: null }) // { Author: "4242424242424242", Body: "**** **** **** 1111" }
 */
export function webhookForm(values: Record<string, string | number | null | undefined>): FormParams {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    const text = String(value);
    out[name] = FREE_TEXT.has(name) ? redactCardNumbers(text) : DOCUMENTS.has(name) ? maskedDocument(text) : text;
  }
  return out;
}
