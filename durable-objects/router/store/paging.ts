/**
 * Paging for the Router's lists. Lists here are ordered by what the client asks (priority, dates,
 * names), so a page token is an offset into that order: opaque to clients, and checked when it comes
 * back. Stores fetch one row more than the page size to know whether a next page exists.
 */
import { invalid, ok, type ApiResult, type Page, type PageRequest } from "../../common/rpc";

export const MAX_PAGE_SIZE = 1000;

export interface PageWindow {
  readonly offset: number;
  readonly pageSize: number;
  /** Rows to fetch: one more than the page, to see whether another follows. */
  readonly limit: number;
}

const encode = (offset: number): string => btoa(JSON.stringify(["o", offset])).replace(/=+$/, "");

function decode(token: string): number | undefined {
  try {
    const value: unknown = JSON.parse(atob(token));
    if (Array.isArray(value) && value.length === 2 && value[0] === "o" && Number.isSafeInteger(value[1]) && (value[1] as number) >= 0) {
      return value[1] as number;
    }
  } catch {
    // not base64 or not JSON: not a token we issued
  }
  return undefined;
}

/**
 * Where a page starts: the token's offset when there is one, else `page × pageSize`.
 * @example pageWindow({ pageSize: 50, page: 2 }) // ok({ offset: 100, pageSize: 50, limit: 51 })
 */
export function pageWindow(request: PageRequest): ApiResult<PageWindow> {
  const { pageSize, page } = request;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return invalid("PageSize", `must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(pageSize)}`);
  }
  if (!Number.isInteger(page) || page < 0) return invalid("Page", `must be a non-negative integer, got ${String(page)}`);
  let offset = page * pageSize;
  if (request.pageToken !== undefined) {
    const decoded = decode(request.pageToken);
    if (decoded === undefined) return invalid("PageToken", "is not a page token of this list");
    offset = decoded;
  }
  return ok({ offset, pageSize, limit: pageSize + 1 });
}

/** The page from rows fetched at `window` (up to `window.limit` of them). */
export function pageFrom<T>(fetched: readonly T[], window: PageWindow): Page<T> {
  const more = fetched.length > window.pageSize;
  return {
    items: more ? fetched.slice(0, window.pageSize) : fetched,
    nextPageToken: more ? encode(window.offset + window.pageSize) : null,
    previousPageToken: window.offset > 0 ? encode(Math.max(0, window.offset - window.pageSize)) : null,
  };
}

/** The page of an already filtered and ordered list. */
export function slicePage<T>(all: readonly T[], window: PageWindow): Page<T> {
  return pageFrom(all.slice(window.offset, window.offset + window.limit), window);
}
