/**
 * A Conversations pre-event webhook call: made synchronously, before the change, signed like every
 * callback (X-Twilio-Signature under the account's auth token). What it comes to, as Twilio defines it:
 * - a 2xx answer lets the change through, and its JSON body (if any) may modify it;
 * - any other status refuses the change;
 * - no answer within the timeout (5 s, as Twilio) — or no answer at all (the endpoint unreachable) —
 *   lets it through unmodified: an integration that is down must not stop every conversation.
 */
import { postCallback } from "./delivery";
import type { FormParams } from "./signature";

/** Twilio waits this long for a pre-event webhook, then lets the action through. */
export const PRE_EVENT_TIMEOUT_MS = 5_000;

export type PreEventOutcome =
  /** Go ahead; `answer` is the response body (the modifications, if it is JSON). */
  | { readonly kind: "allow"; readonly answer: string }
  /** The webhook answered a non-2xx status: the change is refused. */
  | { readonly kind: "refuse"; readonly status: number }
  /** No usable answer (timeout, network error): the change goes ahead unmodified. `problem` is safe to log. */
  | { readonly kind: "unanswered"; readonly problem: string };

export interface PreEventOptions {
  readonly fetch: typeof fetch;
  readonly authToken: string;
  readonly timeoutMs?: number;
  readonly idempotencyToken: string;
}

/**
 * Calls one pre-event webhook.
 * @example
 * const outcome = await callPreEvent("https://bot.example/pre", "POST", params, { fetch, authToken, idempotencyToken: "EV…" });
 * if (outcome.kind === "refuse") return refused(outcome.status);
 */
export async function callPreEvent(
  url: string,
  method: "GET" | "POST",
  params: FormParams,
  options: PreEventOptions,
): Promise<PreEventOutcome> {
  const outcome = await postCallback(url, params, {
    fetch: options.fetch,
    authToken: options.authToken,
    timeoutMs: options.timeoutMs ?? PRE_EVENT_TIMEOUT_MS,
    idempotencyToken: options.idempotencyToken,
    readBody: true,
    method,
  });
  // An answer longer than MAX_ANSWER_BYTES is not read at all, and so changes nothing.
  if (outcome.delivered) return { kind: "allow", answer: outcome.body };
  if (outcome.status !== undefined) return { kind: "refuse", status: outcome.status };
  return { kind: "unanswered", problem: outcome.problem };
}
