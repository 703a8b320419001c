/**
 * TaskRouter's wire format in one place: reading a request's parameters (query, form or JSON body of
 * at most the endpoint's `maxBodyBytes`, see body-limit.ts), validating them against an endpoint's
 * declared schema, and writing resources and pages back with Twilio's absolute `url`s and paging `meta`. Every endpoint is declared with {@link endpoint}, which
 * also records it for /openapi.json — the document is generated from the schemas that validate.
 */
import type { Context } from "hono";
import { z } from "zod";
import type { ApiResult, Page, PageRequest } from "../../../durable-objects/common/rpc";
import { DEFAULT_BODY_LIMIT, readText } from "../../http/body-limit";
import { ApiError } from "../../http/errors";
import { isRepeated, paging } from "./params";

export const API_PREFIX = "/taskrouter/v1";

type Method = "get" | "post" | "delete";
type Shape = Record<string, z.ZodType>;

export interface EndpointSpec<S extends Shape> {
  readonly method: Method;
  /** Hono path below /taskrouter/v1, e.g. "/Workspaces/:WorkspaceSid/Activities". */
  readonly path: string;
  readonly summary: string;
  readonly params: S;
  /** Resource group for the OpenAPI document, e.g. "Activities". */
  readonly tag: string;
  /** For lists: the key Twilio puts the items under (`activities`). */
  readonly listKey?: string;
  /** The success status, when the usual one does not fit (201 for a POST that creates, 204 for DELETE, 200 otherwise). */
  readonly status?: 200 | 201 | 204;
  /**
   * How callers authenticate, for /openapi.json: Basic (account or API key) unless said otherwise;
   * "session" is the desktop's `sb_session` cookie, "none" a public route (sign-in itself).
   */
  readonly auth?: "basic" | "bearer" | "session" | "basic-or-session" | "none";
  /** Where `path` is mounted; /taskrouter/v1 unless said otherwise (Switchboard-native routes use /api). */
  readonly prefix?: string;
  /** The most body bytes read (413 past it); {@link DEFAULT_BODY_LIMIT} unless said otherwise. */
  readonly maxBodyBytes?: number;
}

export interface Endpoint<S extends Shape> extends EndpointSpec<S> {
  readonly schema: z.ZodObject<S>;
  /** Reads and validates the request's parameters; throws a 400 ApiError naming the first bad one. */
  parse(c: Context): Promise<z.output<z.ZodObject<S>>>;
}

/** Every endpoint declared so far, in declaration order (the OpenAPI document walks it). */
export const registry: Endpoint<Shape>[] = [];

/**
 * Declares an endpoint: its parameters are validated by `parse` and documented in /openapi.json.
 * @example
 * const create = endpoint({ method: "post", path: "/Workspaces/:WorkspaceSid/Activities", tag: "Activities",
 *   summary: "Create an activity", params: { FriendlyName: str({ min: 1, max: 64 }), Available: bool().optional() } });
 * const { FriendlyName, Available } = await create.parse(c);
 */
export function endpoint<S extends Shape>(spec: EndpointSpec<S>): Endpoint<S> {
  const params = (spec.listKey ? { ...paging, ...spec.params } : spec.params) as S;
  const schema = z.object(params).strict();
  const made: Endpoint<S> = {
    ...spec,
    params,
    schema,
    async parse(c) {
      const raw = await readParams(c, spec.maxBodyBytes ?? DEFAULT_BODY_LIMIT);
      // No prototype: a name like `__proto__` is a key like any other, never the object's prototype.
      const input: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [name, values] of raw) {
        // Own names only: `constructor` or `toString` are inherited by every object, not parameters.
        const field = Object.hasOwn(params, name) ? params[name] : undefined;
        if (!field) throw new ApiError(400, 20001, `Unknown parameter ${name}`);
        input[name] = isRepeated(field) ? values : values[values.length - 1];
      }
      const result = schema.safeParse(input);
      if (!result.success) throw invalidParameter(result.error, input);
      return result.data;
    },
  };
  registry.push(made as unknown as Endpoint<Shape>);
  return made;
}

function invalidParameter(error: z.ZodError, input: Record<string, unknown>): ApiError {
  const issue = error.issues[0]!;
  if (issue.code === "unrecognized_keys") return new ApiError(400, 20001, `Unknown parameter ${issue.keys[0] ?? ""}`);
  const name = String(issue.path[0] ?? "");
  const given = Object.hasOwn(input, name) ? input[name] : undefined;
  const shown = given === undefined ? "" : ` (got ${JSON.stringify(given).slice(0, 80)})`;
  if (given === undefined) return new ApiError(400, 20001, `Missing required parameter ${name}`);
  const message =
    issue.code === "invalid_type" ? `must be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}` : issue.message;
  return new ApiError(400, 20001, `Invalid parameter ${name}: ${message}${shown}`);
}

/**
 * The request's parameters as name → values (several for a repeated name). GET and DELETE read the
 * query string; POST reads the query string and the body (at most `limit` bytes), form-encoded or JSON.
 */
async function readParams(c: Context, limit: number): Promise<Map<string, string[] | unknown[]>> {
  const out = new Map<string, unknown[]>();
  const add = (name: string, value: unknown) => out.set(name, [...(out.get(name) ?? []), value]);
  const url = new URL(c.req.url);
  for (const [name, value] of url.searchParams) add(name, value);
  if (c.req.method !== "POST") return out;
  const type = c.req.header("content-type") ?? "";
  const text = await readText(c, limit);
  if (text.trim() === "") return out;
  if (type.includes("application/json")) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, 20001, "The request body is not valid JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, 20001, "The JSON body must be an object");
    for (const [name, value] of Object.entries(body)) {
      if (Array.isArray(value)) for (const v of value) add(name, v);
      else add(name, typeof value === "object" && value !== null ? JSON.stringify(value) : value);
    }
    return out;
  }
  for (const [name, value] of new URLSearchParams(text)) add(name, value);
  return out;
}

/** Unwraps a Durable Object's answer, turning a client error into the matching ApiError. */
export function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.status as 400, result.code, result.message, result.details ? { details: result.details } : undefined);
}

/** The absolute URL of a path below /taskrouter/v1 for this request's origin. */
export function apiUrl(c: Context, path: string): string {
  return `${new URL(c.req.url).origin}${API_PREFIX}/${path.replace(/^\//, "")}`;
}

/** Adds Twilio's `url` and `links` (each a sub-path of the resource) to a record. */
export function withLinks<T extends object>(c: Context, record: T, path: string, links: Record<string, string> = {}) {
  const url = apiUrl(c, path);
  const out: T & { url: string; links?: Record<string, string> } = { ...record, url };
  if (Object.keys(links).length > 0) out.links = Object.fromEntries(Object.entries(links).map(([name, sub]) => [name, `${url}/${sub}`]));
  return out;
}

/** The page a list request asks for. */
export function pageRequest(params: { PageSize?: number; Page?: number; PageToken?: string }): PageRequest {
  return { pageSize: params.PageSize ?? 50, page: params.Page ?? 0, ...(params.PageToken ? { pageToken: params.PageToken } : {}) };
}

/**
 * A Twilio list body: the items under `key` and a `meta` whose page URLs are absolute and keep the
 * request's filters, so `twilio` clients can follow `next_page_url` as it is.
 */
export function pageBody<T, R>(c: Context, key: string, page: Page<T>, request: PageRequest, serialize: (item: T) => R) {
  const current = new URL(c.req.url);
  const pageUrl = (pageNumber: number, token: string | null) => {
    const u = new URL(current.toString());
    u.searchParams.set("PageSize", String(request.pageSize));
    u.searchParams.set("Page", String(pageNumber));
    if (token) u.searchParams.set("PageToken", token);
    else u.searchParams.delete("PageToken");
    return u.toString();
  };
  return {
    [key]: page.items.map(serialize),
    meta: {
      page: request.page,
      page_size: request.pageSize,
      first_page_url: pageUrl(0, null),
      previous_page_url: page.previousPageToken !== null && request.page > 0 ? pageUrl(request.page - 1, page.previousPageToken) : null,
      url: pageUrl(request.page, request.pageToken ?? null),
      next_page_url: page.nextPageToken !== null ? pageUrl(request.page + 1, page.nextPageToken) : null,
      key,
    },
  };
}
