/**
 * Keyset paging (durable-objects/kit/paging.ts): a walk by tokens visits every item exactly once
 * in list order, forwards and backwards, and survives items created or deleted between pages.
 */
import { describe, expect, it } from "vitest";
import { paginate, type PageKey } from "../../../durable-objects/kit/paging";
import type { Page, PageRequest } from "../../../durable-objects/common/rpc";

const key = (item: PageKey) => item;
/** Items at times 1, 1, 2, 3, …: two share a time, so the SID must break the tie. */
const items = (n: number): PageKey[] =>
  Array.from({ length: n }, (_, i) => ({ at: Math.max(1, i), sid: `WA${String(i).padStart(2, "0")}` }));

function page<T>(list: readonly T[], request: PageRequest, keyOf: (t: T) => PageKey, order: "asc" | "desc" = "asc"): Page<T> {
  const result = paginate(list, keyOf, request, order);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** Follows next tokens from page 0 and returns the SIDs in the order visited. */
function walk(list: readonly PageKey[], pageSize: number, order: "asc" | "desc" = "asc"): string[] {
  const seen: string[] = [];
  let request: PageRequest = { pageSize, page: 0 };
  for (let guard = 0; guard < 1000; guard++) {
    const p = page(list, request, key, order);
    seen.push(...p.items.map((i) => i.sid));
    if (p.nextPageToken === null) return seen;
    request = { pageSize, page: request.page + 1, pageToken: p.nextPageToken };
  }
  throw new Error("paging did not end");
}

describe("paginate", () => {
  it.each([
    // [items, page size, pages walked]
    [0, 1],
    [1, 1],
    [5, 1],
    [5, 2],
    [6, 2],
    [5, 50],
    [120, 50],
  ])("%i items in pages of %i: every item once, in order", (n, size) => {
    const list = items(n);
    expect(walk(list, size)).toEqual(list.map((i) => i.sid));
  });

  it("walks a descending list in descending order", () => {
    const list = items(7).reverse();
    expect(walk(list, 3, "desc")).toEqual(list.map((i) => i.sid));
  });

  it("counts pages from the start when there is no token", () => {
    // 5 items, pages of 2: page 0 = 00 01, page 1 = 02 03, page 2 = 04, page 3 = nothing.
    const list = items(5);
    expect(page(list, { pageSize: 2, page: 1 }, key).items.map((i) => i.sid)).toEqual(["WA02", "WA03"]);
    expect(page(list, { pageSize: 2, page: 2 }, key).items.map((i) => i.sid)).toEqual(["WA04"]);
    expect(page(list, { pageSize: 2, page: 3 }, key)).toEqual({ items: [], nextPageToken: null, previousPageToken: null });
  });

  it("goes back with the previous-page token", () => {
    const list = items(5);
    const first = page(list, { pageSize: 2, page: 0 }, key);
    expect(first.previousPageToken).toBeNull();
    const second = page(list, { pageSize: 2, page: 1, pageToken: first.nextPageToken! }, key);
    const third = page(list, { pageSize: 2, page: 2, pageToken: second.nextPageToken! }, key);
    expect(third.items.map((i) => i.sid)).toEqual(["WA04"]);
    expect(third.nextPageToken).toBeNull();
    const back = page(list, { pageSize: 2, page: 1, pageToken: third.previousPageToken! }, key);
    expect(back.items.map((i) => i.sid)).toEqual(["WA02", "WA03"]);
    const front = page(list, { pageSize: 2, page: 0, pageToken: back.previousPageToken! }, key);
    expect(front.items.map((i) => i.sid)).toEqual(["WA00", "WA01"]);
    expect(front.previousPageToken).toBeNull();
  });

  it("resumes after the last item seen even if items were deleted or added meanwhile", () => {
    const list = items(6);
    const first = page(list, { pageSize: 2, page: 0 }, key); // WA00 WA01
    // WA01 (the anchor) and WA02 are deleted, and an item is added at the end.
    const changed = [...list.filter((i) => i.sid !== "WA01" && i.sid !== "WA02"), { at: 99, sid: "WA99" }];
    const next = page(changed, { pageSize: 2, page: 1, pageToken: first.nextPageToken! }, key);
    expect(next.items.map((i) => i.sid)).toEqual(["WA03", "WA04"]);
  });

  it.each([
    ["garbage", "not-a-token", "Invalid parameter PageToken"],
    ["JSON that is not a cursor", btoa('{"a":1}'), "Invalid parameter PageToken"],
    ["a token of the other order", "desc", "Invalid parameter PageToken"],
  ])("refuses %s", (_name, token, message) => {
    const list = items(4);
    let pageToken = token;
    if (token === "desc") pageToken = page([...list].reverse(), { pageSize: 1, page: 0 }, key, "desc").nextPageToken!;
    const result = paginate(list, key, { pageSize: 2, page: 1, pageToken });
    expect(result).toMatchObject({ ok: false, status: 400, code: 20001 });
    expect(!result.ok && result.message).toContain(message);
  });

  it.each([
    [{ pageSize: 0, page: 0 }, "PageSize"],
    [{ pageSize: 1001, page: 0 }, "PageSize"],
    [{ pageSize: 1.5, page: 0 }, "PageSize"],
    [{ pageSize: 10, page: -1 }, "Page"],
  ])("refuses %o naming %s", (request, param) => {
    const result = paginate(items(3), key, request);
    expect(!result.ok && result.message).toMatch(new RegExp(`^Invalid parameter ${param}:`));
  });
});
