/**
 * The one error type of the HTTP API and the one place errors become responses.
 *
 * Every error Switchboard answers has Twilio's shape — `{ code, message, more_info, status }` — so a
 * stock Twilio client reports it the way it reports Twilio's own. Handlers throw {@link ApiError};
 * {@link onError} turns it into that body. `more_info` links to the code's page in docs/errors.md as
 * this deployment serves it (workers/docs/), on the request's own origin: it works offline and always
 * describes the version that answered. Anything else is a bug: it is logged with the request id
 * and answered as a 500 that names only the request id, never the internals.
 */
import type { Context, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorDetails } from "../../durable-objects/common/rpc";

/** Twilio's error body, as its REST API and client libraries expect it. */
export interface TwilioErrorBody {
  readonly code: number;
  readonly message: string;
  readonly more_info: string;
  readonly status: number;
  /** Only where Twilio sends more (Studio's definition errors and warnings). */
  readonly details?: ErrorDetails;
}

/**
 * The code of a refusal made by the HTTP layer (Hono's middleware) rather than by a handler: Twilio's
 * codes for a bad request and bad credentials, and otherwise Twilio's generic 20000 + HTTP status
 * (20403, 20404, 20413, 20500), which docs/errors.md documents as a family.
 */
const genericCode = (status: number): number => (status === 400 ? 20001 : status === 401 ? 20003 : 20000 + status);

/**
 * Where a code is documented on the deployment at `origin`.
 * @example errorDocsUrl("https://sb.example", 20404) // "https://sb.example/docs/errors/20404"
 */
export const errorDocsUrl = (origin: string, code: number): string => `${origin}/docs/errors/${code}`;

/**
 * An error meant for the caller: its status, Twilio-style code and message are sent as they are, so
 * the message must name the problem (and the field) without revealing internals.
 *
 * @example
 * throw new ApiError(400, 20001, "FriendlyName is required");
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: number,
    message: string,
    options?: ErrorOptions & { readonly details?: ErrorDetails },
  ) {
    super(message, options);
    this.name = "ApiError";
    this.details = options?.details;
  }

  readonly details: ErrorDetails | undefined;

  /** The body sent to the caller; `origin` is the request's (`new URL(c.req.url).origin`). */
  toBody(origin: string): TwilioErrorBody {
    const body = { code: this.code, message: this.message, more_info: errorDocsUrl(origin, this.code), status: this.status };
    return this.details === undefined ? body : { ...body, details: this.details };
  }
}

/** The 404 Twilio answers for a path it does not serve. */
export function resourceNotFound(path: string): ApiError {
  return new ApiError(404, genericCode(404), `The requested resource ${path} was not found`);
}

/** Any app that runs Hono's `requestId()` middleware. */
type WithRequestId = { Variables: { requestId: string } };

function respond(c: Context, error: ApiError): Response {
  return c.json(error.toBody(new URL(c.req.url).origin), error.status);
}

export const onNotFound: NotFoundHandler = (c) => respond(c, resourceNotFound(c.req.path));

export function onError<E extends WithRequestId>(err: Error, c: Context<E>): Response {
  if (err instanceof ApiError) return respond(c, err);
  // Hono's own middleware (body limit, validators) throws HTTPException for caller mistakes.
  if (err instanceof HTTPException && err.status < 500) {
    return respond(c, new ApiError(err.status, genericCode(err.status), err.message || "Bad request"));
  }
  const requestId: string = c.get("requestId");
  console.error(`[request ${requestId}] ${c.req.method} ${c.req.path} failed:`, err);
  return respond(c, new ApiError(500, genericCode(500), `Internal error (request ${requestId})`));
}
