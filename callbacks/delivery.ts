/**
 * One signed callback request: a form-encoded POST (or a GET with the parameters in its query) with
 * `X-Twilio-Signature`, a timeout, and an outcome that says whether to try again. It decides nothing
 * about retries or instructions (the consumer does) and never lets the auth token, the signature, a
 * URL's credentials or its path and query into an outcome, because outcomes are logged.
 *
 * Credentials in a callback URL (`https://user:pass@host/…`, which Twilio supports) are sent as HTTP
 * Basic auth and left out of the signed URL, as Twilio does; fetch() refuses URLs that carry them.
 */
import { withDeadline } from "../platform/deadline";
import { readAtMost } from "../platform/read-at-most";
import { twilioSignature, type FormParams } from "./signature";

/** The most of an answer read when the caller wants it (instructions, a pre-event's changes): beyond it, none. */
export const MAX_ANSWER_BYTES = 64 * 1024;

export interface PostOptions {
  readonly fetch: typeof fetch;
  readonly authToken: string;
  readonly timeoutMs: number;
  /** Sent as I-Twilio-Idempotency-Token, so a receiver can drop a redelivery it has already handled. */
  readonly idempotencyToken: string;
  /**
   * Whether the caller needs the response body (assignment instructions, a pre-event's changes);
   * otherwise it is discarded. At most {@link MAX_ANSWER_BYTES} are read: a longer answer counts as empty.
   */
  readonly readBody: boolean;
  /**
   * POST (the default) sends the parameters as a form body; GET puts them in the query string and signs
   * the whole URL, as Twilio does for a webhook configured with Method GET.
   */
  readonly method?: "GET" | "POST";
}

export type PostOutcome =
  | { readonly delivered: true; readonly status: number; readonly body: string }
  /** `permanent`: trying again cannot help (the URL itself is unusable); `status`: what the endpoint answered, if it did. */
  | { readonly delivered: false; readonly problem: string; readonly permanent: boolean; readonly status?: number };

/**
 * POSTs `params` to `url`, signed with `authToken`; delivered means a 2xx answer within the timeout.
 * Redirects are not followed: a 3xx is a failure, as a POST must not silently turn into a GET.
 *
 * @example
 * const outcome = await postCallback(url, params, { fetch, authToken, timeoutMs: 15_000, idempotencyToken: event.sid, readBody: false });
 */
export async function postCallback(url: string, params: FormParams, options: PostOptions): Promise<PostOutcome> {
  const target = splitCredentials(url);
  if (target === null) return { delivered: false, problem: "the callback URL is not an absolute http(s) URL", permanent: true };
  const get = options.method === "GET";
  const query = new URLSearchParams(params).toString();
  // A GET carries the parameters in its URL, and the signature covers that URL alone.
  const requestUrl = get && query !== "" ? `${target.url}${target.url.includes("?") ? "&" : "?"}${query}` : target.url;
  const headers = new Headers({
    "X-Twilio-Signature": await twilioSignature(options.authToken, requestUrl, get ? {} : params),
    "I-Twilio-Idempotency-Token": options.idempotencyToken,
  });
  if (!get) headers.set("Content-Type", "application/x-www-form-urlencoded");
  if (target.authorization !== null) headers.set("Authorization", target.authorization);
  try {
    // The deadline covers the answer's body too; its timer is cleared once read (platform/deadline.ts:
    // pre-event callbacks run in the ConversationDO, which `AbortSignal.timeout` kept busy).
    return await withDeadline(options.timeoutMs, async (signal): Promise<PostOutcome> => {
      const response = await options.fetch(requestUrl, {
        method: get ? "GET" : "POST",
        headers,
        ...(get ? {} : { body: query }),
        redirect: "manual",
        signal,
      });
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel();
        return { delivered: false, problem: `answered HTTP ${response.status}`, permanent: false, status: response.status };
      }
      if (!options.readBody) {
        await response.body?.cancel();
        return { delivered: true, status: response.status, body: "" };
      }
      const answer = await readAtMost(response.body, MAX_ANSWER_BYTES);
      return { delivered: true, status: response.status, body: answer === null ? "" : new TextDecoder().decode(answer) };
    });
  } catch (error) {
    return { delivered: false, problem: describeFailure(error, options.timeoutMs), permanent: false };
  }
}

/**
 * The part of a callback URL that is safe to log: its host. Paths and queries often carry tokens.
 *
 * @example
 * endpointForLog("https://user:pw@hooks.example.com/t/abc?key=1"); // "hooks.example.com"
 */
export function endpointForLog(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

interface Target {
  /** The URL to request and to sign: as configured, minus any user:password@. */
  readonly url: string;
  readonly authorization: string | null;
}

const AUTHORITY = /^(https?:\/\/)([^/?#]*)(.*)$/is;

/** Splits credentials off without normalizing the rest, so the signed URL is the configured one. */
function splitCredentials(url: string): Target | null {
  const match = AUTHORITY.exec(url);
  if (match === null || !URL.canParse(url)) return null;
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const at = authority.lastIndexOf("@");
  if (at === -1) return { url, authorization: null };
  const parsed = new URL(url);
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  const bytes = new TextEncoder().encode(credentials);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { url: scheme + authority.slice(at + 1) + rest, authorization: `Basic ${btoa(binary)}` };
}

/** A failure in words that name no URL, token or header (runtime messages are not trusted to). */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  if (error instanceof TypeError) return "the request failed (network error)";
  return `the request failed (${error instanceof Error ? error.name : typeof error})`;
}
