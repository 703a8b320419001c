/**
 * Paging, for every list a Durable Object answers: the page request checked once, one page-token codec,
 * and the two ways a list is walked.
 *
 * - **Keyset**, for lists ordered by a creation time and then the SID (configuration, API keys, users,
 *   plugins, the directory's conversations, users and profiles): a token names the item a page stopped
 *   at and the next page resumes right after it (or, going back, right before it), so a page follows the
 *   previous one exactly while items come and go in between — an offset would skip or repeat them. Small
 *   lists are sliced in memory ({@link paginate}, {@link pageOfRows}); the directory's are read in SQL ({@link keysetPage}).
 * - **Offset**, for lists ordered by what the client asks (the Router's by priority, dates or names, the
 *   conversation's messages and participants): a token is an offset into that order
 *   ({@link pageWindow}, then {@link pageFrom} or {@link slicePage}); stores fetch one row more than the
 *   page to know whether a next one exists.
 *
 * Tokens are opaque to clients and checked when they come back (one kind's token is refused by the
 * other); without one, a page starts at `page × pageSize`, as Twilio's `Page` parameter allows.
 */
import { invalid, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { rows, type SqlValue, type StoreHost } from "./sql-host";

export const MAX_PAGE_SIZE = 1000;

/** Checks the page size and number the Worker passed on (the Worker already enforces both). */
export function checkPageRequest(request: PageRequest): ApiResult<PageRequest> {
  if (!Number.isInteger(request.pageSize) || request.pageSize < 1 || request.pageSize > MAX_PAGE_SIZE) {
    return invalid("PageSize", `must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(request.pageSize)}`);
  }
  if (!Number.isInteger(request.page) || request.page < 0)
    return invalid("Page", `must be a non-negative integer, got ${String(request.page)}`);
  return ok(request);
}

const encodeToken = (parts: readonly (string | number | Readonly<Record<string, number>>)[]): string =>
  btoa(JSON.stringify(parts)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function decodeToken(token: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(atob(token.replace(/-/g, "+").replace(/_/g, "/")));
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined; // not base64 or not JSON: not a token we issued
  }
}

const NOT_OURS = invalid("PageToken", "is not a page token of this list");

// ── keyset ──────────────────────────────────────────────────────────────────────────────────────────

/** Where an item sits in a list: creation time (epoch ms), then SID to break ties. */
export interface PageKey {
  readonly at: number;
  readonly sid: string;
}

export type ListOrder = "asc" | "desc";

/** What a keyset token says: resume strictly after (or strictly before) this key, in this order. */
interface Cursor {
  readonly direction: "after" | "before";
  readonly order: ListOrder;
  readonly key: PageKey;
}

const cursorToken = (direction: Cursor["direction"], order: ListOrder, key: PageKey): string =>
  encodeToken([direction === "after" ? "a" : "b", order, key.at, key.sid]);

function readCursor(token: string | undefined, order: ListOrder): Cursor | null | undefined {
  if (token === undefined || token === "") return null;
  const parts = decodeToken(token);
  if (parts?.length !== 4) return undefined;
  const [direction, tokenOrder, at, sid] = parts;
  if ((direction !== "a" && direction !== "b") || tokenOrder !== order) return undefined;
  if (!Number.isSafeInteger(at) || typeof sid !== "string") return undefined;
  return { direction: direction === "a" ? "after" : "before", order, key: { at: at as number, sid } };
}

const compareKeys = (a: PageKey, b: PageKey): number => a.at - b.at || (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0);

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
  const cursor = readCursor(request.pageToken, order);
  if (cursor === undefined) return NOT_OURS;
  const size = request.pageSize;
  const inOrder = (a: PageKey, b: PageKey): number => (order === "asc" ? compareKeys(a, b) : compareKeys(b, a));

  let start: number;
  let end: number;
  if (cursor === null) {
    start = Math.min(request.page * size, items.length);
    end = Math.min(start + size, items.length);
  } else {
    // First index whose key comes strictly after the cursor's key (or at/after it, for "before").
    const boundary = items.findIndex((item) => {
      const c = inOrder(keyOf(item), cursor.key);
      return cursor.direction === "after" ? c > 0 : c >= 0;
    });
    const at = boundary === -1 ? items.length : boundary;
    [start, end] = cursor.direction === "after" ? [at, Math.min(at + size, items.length)] : [Math.max(0, at - size), at];
  }

  const slice = items.slice(start, end);
  const first = slice[0];
  const last = slice[slice.length - 1];
  return ok({
    items: slice,
    nextPageToken: last !== undefined && end < items.length ? cursorToken("after", order, keyOf(last)) : null,
    previousPageToken: first !== undefined && start > 0 ? cursorToken("before", order, keyOf(first)) : null,
  });
}

/**
 * {@link paginate} over rows in creation order (`date_created`, then `sid`), each row of the page made
 * its record. @example pageOfRows(rows, page, (row) => userRecord(row))
 */
export function pageOfRows<Row extends { readonly date_created: number; readonly sid: string }, R>(
  rows: readonly Row[],
  request: PageRequest,
  record: (row: Row) => R,
  order: ListOrder = "asc",
): ApiResult<Page<R>> {
  const result = paginate(rows, (row) => ({ at: row.date_created, sid: row.sid }), request, order);
  return result.ok ? ok({ ...result.value, items: result.value.items.map((row) => record(row)) }) : result;
}

/** A keyset list read in SQL: its rows, the conditions that filter them, and the column they are ordered by. */
export interface KeysetQuery {
  /** `SELECT … FROM table`, without WHERE. */
  readonly select: string;
  readonly where: readonly string[];
  readonly bindings: readonly SqlValue[];
  /** An integer column; ties are broken by `sid`. */
  readonly column: string;
  readonly order: ListOrder;
}

/**
 * One page of a keyset list read in SQL, only the page's rows (and one more) fetched.
 * @example
 * keysetPage(host, { select: "SELECT * FROM sb_profiles", where: [], bindings: [], column: "date_created", order: "asc" },
 *   { pageSize: 50, page: 0 }, (row) => row)
 */
export function keysetPage<R, T>(host: StoreHost, query: KeysetQuery, request: PageRequest, map: (row: R) => T): ApiResult<Page<T>> {
  const checked = checkPageRequest(request);
  if (!checked.ok) return checked;
  const { column, order } = query;
  const cursor = readCursor(request.pageToken, order);
  if (cursor === undefined) return NOT_OURS;
  const { pageSize, page } = request;

  const backwards = cursor?.direction === "before";
  // Reading backwards walks the list in the opposite order from the cursor, then turns the rows round.
  const ascending = (order === "asc") !== backwards;
  const where = [...query.where];
  const bindings = [...query.bindings];
  if (cursor) {
    const cmp = ascending ? ">" : "<";
    where.push(`(${column} ${cmp} ? OR (${column} = ? AND sid ${cmp} ?))`);
    bindings.push(cursor.key.at, cursor.key.at, cursor.key.sid);
  }
  const dir = ascending ? "ASC" : "DESC";
  const offset = cursor ? 0 : page * pageSize;
  const sql = `${query.select}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${column} ${dir}, sid ${dir} LIMIT ? OFFSET ?`;
  const fetched = rows<R & { sid: string } & Record<string, SqlValue>>(host, sql, ...bindings, pageSize + 1, offset);
  const more = fetched.length > pageSize;
  const taken = fetched.slice(0, pageSize);
  if (backwards) taken.reverse();

  const edge = (row: (typeof taken)[number] | undefined, direction: Cursor["direction"]) =>
    row ? cursorToken(direction, order, { at: Number(row[column]), sid: row.sid }) : null;
  const hasNext = backwards ? cursor !== null : more;
  const hasPrevious = backwards ? more : cursor !== null || offset > 0;
  return ok({
    items: taken.map(map),
    nextPageToken: hasNext ? edge(taken[taken.length - 1], "after") : null,
    previousPageToken: hasPrevious ? edge(taken[0], "before") : null,
  });
}

// ── offset ──────────────────────────────────────────────────────────────────────────────────────────

export interface PageWindow {
  readonly offset: number;
  readonly pageSize: number;
  /** Rows to fetch: one more than the page, to see whether another follows. */
  readonly limit: number;
}

/** The token of an offset page starting at `offset` (also how a list across regions asks each region for its part). */
export const offsetToken = (offset: number): string => encodeToken(["o", offset]);

/**
 * Where an offset page starts: the token's offset when there is one, else `page × pageSize`.
 * @example pageWindow({ pageSize: 50, page: 2 }) // ok({ offset: 100, pageSize: 50, limit: 51 })
 */
export function pageWindow(request: PageRequest): ApiResult<PageWindow> {
  const checked = checkPageRequest(request);
  if (!checked.ok) return checked;
  const { pageSize, page } = request;
  let offset = page * pageSize;
  if (request.pageToken !== undefined) {
    const parts = decodeToken(request.pageToken);
    if (parts?.length !== 2 || parts[0] !== "o" || !Number.isSafeInteger(parts[1]) || (parts[1] as number) < 0) return NOT_OURS;
    offset = parts[1] as number;
  }
  return ok({ offset, pageSize, limit: pageSize + 1 });
}

/** The page from rows fetched at `window` (up to `window.limit` of them). */
export function pageFrom<T>(fetched: readonly T[], window: PageWindow): Page<T> {
  const more = fetched.length > window.pageSize;
  return {
    items: more ? fetched.slice(0, window.pageSize) : fetched,
    nextPageToken: more ? offsetToken(window.offset + window.pageSize) : null,
    previousPageToken: window.offset > 0 ? offsetToken(Math.max(0, window.offset - window.pageSize)) : null,
  };
}

/** The page of an already filtered and ordered list. */
export function slicePage<T>(all: readonly T[], window: PageWindow): Page<T> {
  return pageFrom(all.slice(window.offset, window.offset + window.limit), window);
}

// ── across regions ──────────────────────────────────────────────────────────────────────────────────

/**
 * The token of a list merged across the Routers of several regions (kit/region-pages.ts): how far into
 * each region's own list the pages so far have gone.
 */
export const regionsToken = (offsets: Readonly<Record<string, number>>): string => encodeToken(["r", offsets]);

/** The offsets a {@link regionsToken} carries, or undefined for any other token (a 400 for the caller). */
export function readRegionsToken(token: string, regionIds: readonly string[]): Record<string, number> | undefined {
  const parts = decodeToken(token);
  if (parts?.length !== 2 || parts[0] !== "r" || typeof parts[1] !== "object" || parts[1] === null || Array.isArray(parts[1]))
    return undefined;
  const offsets: Record<string, number> = {};
  for (const [region, offset] of Object.entries(parts[1] as Record<string, unknown>)) {
    if (!regionIds.includes(region) || !Number.isSafeInteger(offset) || (offset as number) < 0) return undefined;
    offsets[region] = offset as number;
  }
  return offsets;
}
