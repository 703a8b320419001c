/**
 * A team's own NLU or LLM as the workspace's bot (issue 16): when the bot settings name an endpoint,
 * `classify` POSTs `{"text", "language"}` (JSON) to it instead of using the trained model, signed with the
 * endpoint's secret — `X-Switchboard-Signature: sha256=<hex HMAC-SHA256 of the raw body>` — and reads a
 * Classification-shaped JSON answer, validated. A bad answer, a non-2xx, a timeout or a network error is
 * null (no intent: the flow takes its no-match path) with the reason logged, never a throw.
 */
import { z } from "zod";
import type { Classification } from "../flow/engine/types";
import { timedOut, withDeadline } from "../../platform/deadline";

/** The answer the endpoint must give (missing optional fields take these defaults). */
const answerSchema = z.object({
  intent: z.string().min(1).max(128),
  confidence: z.number().min(0).max(1),
  entities: z
    .array(z.object({ entity: z.string().min(1).max(64), text: z.string().max(2_000), value: z.unknown() }))
    .max(100)
    .default([]),
  sentiment: z.number().min(-1).max(1).default(0),
  language: z.string().min(2).max(16).optional(),
  answer: z.string().max(4_000).optional(),
});

/** The most bytes of an answer read. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The signature header's value for `body`: what the team's endpoint recomputes with the shared secret.
 * @example await endpointSignature("s3cret", '{"text":"hi","language":null}') // "sha256=5c1f…"
 */
export async function endpointSignature(secret: string, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
  return "sha256=" + [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface Endpoint {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs: number;
  readonly threshold: number;
}

/**
 * Asks the team's endpoint; null (logged) when it cannot give a valid answer in time.
 * @example const c = await classifyExternally({ url, secret, timeoutMs: 3000, threshold: 0.5 }, "where is my order?", "en");
 */
export async function classifyExternally(endpoint: Endpoint, text: string, language: string | undefined): Promise<Classification | null> {
  const body = JSON.stringify({ text, language: language ?? null });
  let response: Response;
  let raw: string;
  try {
    // A deadline cleared once the answer is read (platform/deadline.ts): this runs in the WorkspaceDO.
    [response, raw] = await withDeadline(endpoint.timeoutMs, async (signal) => {
      const answered = await fetch(endpoint.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-switchboard-signature": await endpointSignature(endpoint.secret, body) },
        body,
        signal,
      });
      return [answered, await answered.text()] as const;
    });
  } catch (error) {
    console.warn(`bot endpoint ${endpoint.url}: ${timedOut(error) ? `no answer in ${endpoint.timeoutMs} ms` : String(error)}`);
    return null;
  }
  if (!response.ok) {
    console.warn(`bot endpoint ${endpoint.url}: answered ${response.status}`);
    return null;
  }
  if (raw.length > MAX_ANSWER_BYTES) {
    console.warn(`bot endpoint ${endpoint.url}: answer larger than ${MAX_ANSWER_BYTES} bytes`);
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    console.warn(`bot endpoint ${endpoint.url}: answer is not JSON`);
    return null;
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.warn(`bot endpoint ${endpoint.url}: answer field ${issue?.path.join(".") || "(root)"} ${issue?.message ?? "is invalid"}`);
    return null;
  }
  const answer = parsed.data;
  const below = answer.confidence < endpoint.threshold;
  return {
    intent: below ? "None" : answer.intent,
    confidence: answer.confidence,
    entities: answer.entities.map((e) => ({ entity: e.entity, text: e.text, value: e.value ?? null })),
    sentiment: answer.sentiment,
    language: answer.language ?? language ?? "en",
    ...(answer.answer !== undefined && !below ? { answer: answer.answer } : {}),
  };
}
