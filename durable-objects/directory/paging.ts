/**
 * Keyset paging for the directory's lists, which are ordered by a creation time and then the SID. A
 * token holds the (time, SID) of the row a page stops at, so a page follows the previous one exactly
 * even while conversations are created or closed in between (an offset would skip or repeat rows).
 * Tokens are opaque to clients and checked when they come back; a request without one starts at
 * `page × pageSize`, as Twilio's `Page` parameter allows.
 */
import { invalid, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { rows, type SqlValue, type StoreHost } from "../kit/sql-host";

export const MAX_PAGE_SIZE = 1000;

type Direction = "next" | "previous";
interface Cursor {
  readonly direction: Direction;
  readonly at: number;
  readonly sid: string;
}

const encode = (direction: Direction, at: number, sid: string): string =>
  btoa(JSON.stringify(["k", direction === "next" ? "n" : "p", at, sid])).replace(/=+$/, "");

function decode(token: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(atob(token));
    if (!Array.isArray(value) || value.length !== 4 || value[0] !== "k") return undefined;
    const [, direction, at, sid] = value as unknown[];
    if ((direction !== "n" && direction !== "p") || !Number.isSafeInteger(at) || typeof sid !== "string") return undefined;
    return { direction: direction === "n" ? "next" : "previous", at: at as number, sid };
  } catch {
    // not base64 or not JSON: not a token we issued
    return undefined;
  }
}

/** A list's query: its rows, the conditions that filter them, and the column they are ordered by. */
export interface KeysetQuery {
  /** `SELECT … FROM table`, without WHERE. */
  readonly select: string;
  readonly where: readonly string[];
  readonly bindings: readonly SqlValue[];
  /** An integer column; ties are broken by `sid`. */
  readonly column: string;
  readonly order: "asc" | "desc";
}

/**
 * One page of a keyset-ordered list.
 * @example
 * keysetPage(host, { select: "SELECT * FROM sb_profiles", where: [], bindings: [], column: "date_created", order: "asc" },
 *   { pageSize: 50, page: 0 }, (row) => row)
 */
export function keysetPage<R, T>(host: StoreHost, query: KeysetQuery, request: PageRequest, map: (row: R) => T): ApiResult<Page<T>> {
  const { pageSize, page } = request;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return invalid("PageSize", `must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(pageSize)}`);
  }
  if (!Number.isInteger(page) || page < 0) return invalid("Page", `must be a non-negative integer, got ${String(page)}`);
  let cursor: Cursor | undefined;
  if (request.pageToken !== undefined) {
    cursor = decode(request.pageToken);
    if (!cursor) return invalid("PageToken", "is not a page token of this list");
  }

  const { column, order } = query;
  const backwards = cursor?.direction === "previous";
  // Reading backwards walks the list in the opposite order from the cursor, then turns the rows round.
  const ascending = (order === "asc") !== backwards;
  const where = [...query.where];
  const bindings = [...query.bindings];
  if (cursor) {
    const cmp = ascending ? ">" : "<";
    where.push(`(${column} ${cmp} ? OR (${column} = ? AND sid ${cmp} ?))`);
    bindings.push(cursor.at, cursor.at, cursor.sid);
  }
  const dir = ascending ? "ASC" : "DESC";
  const offset = cursor ? 0 : page * pageSize;
  const sql = `${query.select}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${column} ${dir}, sid ${dir} LIMIT ? OFFSET ?`;
  const fetched = rows<R & { sid: string } & Record<string, SqlValue>>(host, sql, ...bindings, pageSize + 1, offset);
  const more = fetched.length > pageSize;
  const taken = fetched.slice(0, pageSize);
  if (backwards) taken.reverse();

  const edge = (row: (typeof taken)[number] | undefined, direction: Direction) =>
    row ? encode(direction, Number(row[column]), row.sid) : null;
  const hasNext = backwards ? cursor !== undefined : more;
  const hasPrevious = backwards ? more : cursor !== undefined || offset > 0;
  return ok({
    items: taken.map(map),
    nextPageToken: hasNext ? edge(taken[taken.length - 1], "next") : null,
    previousPageToken: hasPrevious ? edge(taken[0], "previous") : null,
  });
}
