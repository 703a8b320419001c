/**
 * Same-origin JSON calls to the Worker's /api routes with the session cookie, and the one error type
 * the screens show: the server's Twilio-shaped error body (`status`, `code`, `message`) plus how long
 * to wait when rate-limited, so a screen picks the catalog string from the status, never the raw text.
 */

/** A non-2xx answer from the API. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
    /** Seconds to wait (429), from `retry_after` or the Retry-After header. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

type Fetch = typeof fetch;
let fetcher: Fetch = (...args) => globalThis.fetch(...args);

/** Tests swap the transport; production uses the browser's `fetch`. */
export function setFetch(next: Fetch): void {
  fetcher = next;
}

/**
 * Calls an /api route with the cookie; resolves to the parsed JSON (or `null` for 204).
 * @example const me = await api<{ user: UserRecord }>("GET", "/api/auth/me");
 */
export async function api<T>(method: "GET" | "POST" | "DELETE", path: string, body?: Record<string, unknown>): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { accept: "application/json", "content-type": "application/json" };
  }
  const response = await fetcher(path, init);
  if (response.status === 204) return null as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null; // not JSON (a proxy's error page): the status says enough
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { code?: unknown; message?: unknown; retry_after?: unknown };
    const header = Number(response.headers.get("retry-after"));
    const retryAfter = typeof error.retry_after === "number" ? error.retry_after : Number.isFinite(header) && header > 0 ? header : null;
    throw new HttpError(
      response.status,
      typeof error.code === "number" ? error.code : null,
      typeof error.message === "string" ? error.message : `HTTP ${response.status}`,
      retryAfter,
    );
  }
  return parsed as T;
}
