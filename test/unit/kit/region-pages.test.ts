// A list across the Routers of several regions: each region's list is an offset list (slicePage), the
// merged pages follow each other exactly (no item skipped or repeated, whatever the page size), a page
// asked by number reads from each region's start, a foreign or forged token is refused, and a region's
// refusal (a bad filter) is the answer.
import { describe, expect, it } from "vitest";
import { ok, type PageRequest } from "../../../durable-objects/common/rpc";
import { pageWindow, slicePage } from "../../../durable-objects/kit/paging";
import { pageAcrossRegions, type RegionPageFetch } from "../../../durable-objects/kit/region-pages";

type Item = { at: number; sid: string };
const byAt = (a: Item, b: Item) => a.at - b.at || (a.sid < b.sid ? -1 : 1);

// Worked by hand: merged by `at`, the list is e1 u2 e3 s4 u5 u6 s7.
const lists: Record<string, Item[]> = {
  "us-east": [
    { at: 2, sid: "u2" },
    { at: 5, sid: "u5" },
    { at: 6, sid: "u6" },
  ],
  "eu-ireland": [
    { at: 1, sid: "e1" },
    { at: 3, sid: "e3" },
  ],
  "ap-sydney": [
    { at: 4, sid: "s4" },
    { at: 7, sid: "s7" },
  ],
};
const regions = Object.keys(lists);
const asked: string[] = [];
const fetch: RegionPageFetch<Item> = async (region, request) => {
  asked.push(region);
  const window = pageWindow(request);
  return window.ok ? ok(slicePage(lists[region]!, window.value)) : window;
};

async function walk(pageSize: number): Promise<string[][]> {
  const pages: string[][] = [];
  let request: PageRequest = { pageSize, page: 0 };
  for (;;) {
    const page = await pageAcrossRegions(regions, request, byAt, fetch);
    if (!page.ok) throw new Error(page.message);
    pages.push(page.value.items.map((i) => i.sid));
    expect(page.value.previousPageToken).toBeNull();
    if (page.value.nextPageToken === null) return pages;
    request = { pageSize, page: request.page + 1, pageToken: page.value.nextPageToken };
  }
}

describe("pageAcrossRegions", () => {
  it.each([
    [1, [["e1"], ["u2"], ["e3"], ["s4"], ["u5"], ["u6"], ["s7"]]],
    [2, [["e1", "u2"], ["e3", "s4"], ["u5", "u6"], ["s7"]]],
    [3, [["e1", "u2", "e3"], ["s4", "u5", "u6"], ["s7"]]],
    [7, [["e1", "u2", "e3", "s4", "u5", "u6", "s7"]]],
    [50, [["e1", "u2", "e3", "s4", "u5", "u6", "s7"]]],
  ])("walks pages of %i through every item once, in order", async (size, expected) => {
    expect(await walk(size)).toEqual(expected);
  });

  it("reads a page by number from each region's start", async () => {
    const page = await pageAcrossRegions(regions, { pageSize: 2, page: 2 }, byAt, fetch);
    expect(page.ok && page.value.items.map((i) => i.sid)).toEqual(["u5", "u6"]);
    const past = await pageAcrossRegions(regions, { pageSize: 2, page: 9 }, byAt, fetch);
    expect(past.ok && past.value).toEqual({ items: [], nextPageToken: null, previousPageToken: null });
  });

  it.each([
    ["an offset token of one region's list", "WyJvIiwyXQ"],
    ["garbage", "not a token"],
    ["a region the workspace does not use", btoa(JSON.stringify(["r", { "sa-sao-paulo": 1 }]))],
    ["a negative offset", btoa(JSON.stringify(["r", { "us-east": -1 }]))],
  ])("refuses %s with a 400 naming PageToken, asking no region", async (_case, pageToken) => {
    asked.length = 0;
    const page = await pageAcrossRegions(regions, { pageSize: 2, page: 1, pageToken }, byAt, fetch);
    expect(page).toEqual({ ok: false, status: 400, code: 20001, message: "Invalid parameter PageToken: is not a page token of this list" });
    expect(asked).toEqual([]);
  });

  it("refuses a page by number past the first 1000 items", async () => {
    const page = await pageAcrossRegions(regions, { pageSize: 500, page: 2 }, byAt, fetch);
    expect(page.ok).toBe(false);
    expect(!page.ok && page.message).toMatch(/^Invalid parameter Page: reaches past the first 1000 items/);
  });

  it("answers a region's refusal", async () => {
    const refusing: RegionPageFetch<Item> = async (region, request) =>
      region === "eu-ireland"
        ? { ok: false, status: 400, code: 20001, message: "Invalid parameter Ordering: nope" }
        : fetch(region, request);
    expect(await pageAcrossRegions(regions, { pageSize: 2, page: 0 }, byAt, refusing)).toMatchObject({ ok: false, status: 400 });
  });

  it("lists an item two regions both answer once (a task taken by one region, not yet recorded as moved by the other)", async () => {
    const both: RegionPageFetch<Item> = async (region, request) => {
      const window = pageWindow(request);
      const items = region === "us-east" ? [...lists["us-east"]!, { at: 3, sid: "e3" }].sort(byAt) : lists[region]!;
      return window.ok ? ok(slicePage(items, window.value)) : window;
    };
    const page = await pageAcrossRegions(regions, { pageSize: 50, page: 0 }, byAt, both);
    expect(page.ok && page.value.items.map((item) => item.sid)).toEqual(["e1", "u2", "e3", "s4", "u5", "u6", "s7"]);
  });
});
