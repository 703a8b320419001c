/**
 * How every route reads a request body: at most the route's declared limit, answering 413 (Twilio's
 * error body, naming the limit) as soon as more arrive — a Content-Length over the limit is refused
 * before anything is read, and a chunked body is canceled the moment it passes the limit — so an
 * oversize body costs no more memory or time than the limit, whoever sends it.
 *
 * It is a reader, not a middleware that buffers up front, so a handler reads after it has checked its
 * caller (a 10 MB upload is not read for a caller without credentials), and each limit is declared
 * where the route is: `endpoint({ maxBodyBytes })` for parameters, an argument for the rest, and
 * /openapi.json documents it. ESLint refuses any other way of reading a body in workers/.
 */
import type { Context } from "hono";
import { readBodyAtMost } from "../../platform/read-at-most";
import { ApiError } from "./errors";

/**
 * The limit of an endpoint that declares none. The API's largest parameter is a workflow
 * configuration of 64 KB, which form encoding can triple.
 */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Twilio's 413, naming the limit. */
export const bodyTooLarge = (limit: number): ApiError =>
  new ApiError(413, 20413, `The request body is larger than ${limit} bytes, the most this endpoint accepts`);

/**
 * The request's body, at most `limit` bytes; throws {@link bodyTooLarge} once more arrive, without
 * reading the rest. A request without a body reads as empty.
 * @example const bytes = await readBody(c, 16 * 1024); // 413 past 16 KB
 */
export async function readBody(c: Context, limit: number): Promise<Uint8Array> {
  const bytes = await readBodyAtMost(c.req.raw, limit);
  if (bytes === null) throw bodyTooLarge(limit);
  return bytes;
}

/**
 * The body as UTF-8 text, at most `limit` bytes (see {@link readBody}).
 * @example const text = await readText(c, 64 * 1024);
 */
export async function readText(c: Context, limit: number): Promise<string> {
  return new TextDecoder().decode(await readBody(c, limit));
}
