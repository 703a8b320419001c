/**
 * Keyset paging for the configuration lists (workspaces, activities, task channels, task queues,
 * workflows, API keys). Lists are ordered by creation time then SID, so the order never changes while
 * a client walks it; a page token names the last (or first) item it saw, and the next page resumes
 * right after it. Unlike an offset, a token survives items created or deleted between two pages: no
 * item is skipped or shown twice because another one came or went.
 *
 * Configuration lists are small (Twilio's limits: 100 activities, 15 channels, 5 000 queues, 1 000
 * workflows), so callers load the filtered, ordered rows and this module slices them. Pure: it runs the
 * same in workerd and in plain Node.
 */
import { invalid, ok, type ApiResult, type Page, type PageRequest } from "./rpc";

export const MAX_PAGE_SIZE = 1000;

/** Where an item sits in a list: creation time (epoch ms), then SID to break ties. */
export interface PageKey {
  readonly at: number;
  readonly sid: string;
}

export type ListOrder = "asc" | "desc";

/** What a token says: resume strictly after (or strictly before) this key, in this order. */
interface Cursor {
  readonly direction: "after" | "before";
  readonly order: ListOrder;
  readonly key: PageKey;
}

const compareKeys = (a: PageKey, b: PageKey): number => a.at - b.at || (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0);

function encodeCursor(cursor: Cursor): string {
  const json = JSON.stringify([cursor.direction === "after" ? "a" : "b", cursor.order, cursor.key.at, cursor.key.sid]);
  return btoa(json).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(token: string): Cursor | undefined {
  try {
    const parsed: unknown = JSON.parse(atob(token.replace(/-/g, "+").replace(/_/g, "/")));
    if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
    const [direction, order, at, sid] = parsed as unknown[];
    if ((direction !== "a" && direction !== "b") || (order !== "asc" && order !== "desc")) return undefined;
    if (typeof at !== "number" || !Number.isSafeInteger(at) || typeof sid !== "string") return undefined;
    return { direction: direction === "a" ? "after" : "before", order, key: { at, sid } };
  } catch {
    return undefined; // not base64 or not JSON: a token we never issued
  }
}

/** Checks the page size and number the Worker passed on; the Worker already enforces both. */
export function checkPageRequest(request: PageRequest): ApiResult<PageRequest> {
  if (!Number.isInteger(request.pageSize) || request.pageSize < 1 || request.pageSize > MAX_PAGE_SIZE) {
    return invalid("PageSize", `must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${request.pageSize}`);
  }
  if (!Number.isInteger(request.page) || request.page < 0) {
    return invalid("Page", `must be a non-negative integer, got ${request.page}`);
  }
  return ok(request);
}

/**
 * One page of `items`, which must already be sorted by `keyOf` in `order` (creation time then SID,
 * ascending or descending). Without a token, `page` counts pages from the start; with one, the page
 * resumes next to the item the token names, and `page` is only echoed by the caller.
 *
 * @example
 * const rows = [{ at: 1, sid: "WAa" }, { at: 2, sid: "WAb" }, { at: 3, sid: "WAc" }];
 * const first = paginate(rows, (r) => r, { pageSize: 2, page: 0 });
 * // ok: items WAa, WAb; nextPageToken resumes after WAb
 * paginate(rows, (r) => r, { pageSize: 2, page: 1, pageToken: first.value.nextPageToken });
 * // ok: items WAc; nextPageToken null; previousPageToken resumes before WAc
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => PageKey,
  request: PageRequest,
  order: ListOrder = "asc",
): ApiResult<Page<T>> {
  const checked = checkPageRequest(request);
  if (!checked.ok) return checked;
  const size = request.pageSize;
  const inOrder = (a: PageKey, b: PageKey): number => (order === "asc" ? compareKeys(a, b) : compareKeys(b, a));

  let start: number;
  let end: number;
  if (request.pageToken === undefined || request.pageToken === "") {
    start = Math.min(request.page * size, items.length);
    end = Math.min(start + size, items.length);
  } else {
    const cursor = decodeCursor(request.pageToken);
    if (!cursor || cursor.order !== order) return invalid("PageToken", "is not a page token of this list");
    // First index whose key comes strictly after the cursor's key (or at/after it, for "before").
    const boundary = items.findIndex((item) => {
      const c = inOrder(keyOf(item), cursor.key);
      return cursor.direction === "after" ? c > 0 : c >= 0;
    });
    const at = boundary === -1 ? items.length : boundary;
    if (cursor.direction === "after") {
      start = at;
      end = Math.min(at + size, items.length);
    } else {
      end = at;
      start = Math.max(0, at - size);
    }
  }

  const slice = items.slice(start, end);
  const first = slice[0];
  const last = slice[slice.length - 1];
  return ok({
    items: slice,
    nextPageToken: last !== undefined && end < items.length ? encodeCursor({ direction: "after", order, key: keyOf(last) }) : null,
    previousPageToken: first !== undefined && start > 0 ? encodeCursor({ direction: "before", order, key: keyOf(first) }) : null,
  });
}
