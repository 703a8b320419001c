/**
 * Card numbers out of what the Router stores from clients: task and worker attributes and a task's
 * Reason, masked before the row is written — and so before the events, callbacks, frames and
 * statistics built from the row. An integration that puts a caller's card number into task attributes
 * (an IVR's digits, a form's fields) would otherwise keep it in SQLite for the task's life and in the
 * events for 30 days, and send it to every callback URL.
 *
 * On by default; a workspace turns it off with `CardMaskingEnabled=false` (then attributes are stored
 * exactly as sent). Attributes are masked as card-attributes.ts says: addresses and IDs are kept, and on
 * update what the stored document already held is kept, so the round trip of a document read from the
 * API changes nothing. Attributes that a conversation built from masked messages (`attributesMasked`)
 * are taken as they are: their `name` may be the customer's address.
 */
import { redactDeep } from "../../common/card-attributes";
import { redactCardNumbers } from "../../common/card-numbers";
import type { Attributes } from "../expression";
import type { ConfigView } from "./config-view";
import { parseAttributes } from "./load";

/**
 * The attributes text to store: the text as sent when nothing needed masking (or masking is off), else
 * the masked document. `current` is the stored text an update replaces.
 * @example storedAttributes(view, { text: '{"pan":"4111111111111111"}', value: { pan: "4111111111111111" } }) // '{"pan":"************1111"}'
 */
export function storedAttributes(
  view: ConfigView,
  checked: { readonly text: string; readonly value: Attributes },
  current?: string,
): string {
  if (!view.masksCardNumbers) return checked.text;
  const masked = redactDeep(checked.value, current === undefined ? undefined : parseAttributes(current));
  return masked === checked.value ? checked.text : JSON.stringify(masked);
}

/** A task's Reason (free text, shown in its events) as it is stored. */
export function storedReason(view: ConfigView, reason: string): string {
  return view.masksCardNumbers ? redactCardNumbers(reason) : reason;
}
