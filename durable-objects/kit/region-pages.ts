/**
 * One page of a list that spans the Routers of several regions (workers, tasks, events), merged from a
 * page of each. The Routers' lists are offset lists, ordered by what the client asks (kit/paging.ts),
 * so the merged list's token carries how far into each region's list the pages so far went: the next
 * page asks each region for a page from there, merges the heads in the list's order, cuts, and counts
 * what it took of each. A page then follows the previous one exactly as a one-region offset page does.
 * A page asked by number without a token (Twilio's `Page`) reads each region from its start.
 *
 * Pure: the caller fetches the regions' pages (`fetch`) and says how two items compare (`compare`).
 */
import { invalid, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { checkPageRequest, MAX_PAGE_SIZE, offsetToken, readRegionsToken, regionsToken } from "./paging";

/**
 * Fetches region `region`'s page of `pageSize` items from `offset` (the request to pass its Router).
 */
export type RegionPageFetch<T> = (region: string, request: PageRequest) => Promise<ApiResult<Page<T>>>;

/**
 * One page across `regionIds`, ordered by `compare` (each region's own order kept where they tie).
 * @example
 * await pageAcrossRegions(["us-east", "eu-ireland"], { pageSize: 50, page: 0 }, byCreation,
 *   (region, request) => routerFor(env, ws, region).listWorkers(accountSid, { ...filters, ...request }))
 */
export async function pageAcrossRegions<T extends { readonly sid: string }>(
  regionIds: readonly string[],
  request: PageRequest,
  compare: (a: T, b: T) => number,
  fetch: RegionPageFetch<T>,
): Promise<ApiResult<Page<T>>> {
  const checked = checkPageRequest(request);
  if (!checked.ok) return checked;
  let offsets: Record<string, number> = {};
  let skip = 0;
  if (request.pageToken !== undefined && request.pageToken !== "") {
    const read = readRegionsToken(request.pageToken, regionIds);
    if (!read) return invalid("PageToken", "is not a page token of this list");
    offsets = read;
  } else {
    skip = request.page * request.pageSize;
    if (skip + request.pageSize > MAX_PAGE_SIZE) {
      return invalid("Page", `reaches past the first ${MAX_PAGE_SIZE} items of a list across regions: follow next_page_url instead`);
    }
  }
  const want = skip + request.pageSize;
  const pages = await Promise.all(
    regionIds.map((region) => {
      const offset = offsets[region] ?? 0;
      return fetch(region, { pageSize: want, page: 0, ...(offset > 0 ? { pageToken: offsetToken(offset) } : {}) });
    }),
  );
  const failed = pages.find((page) => !page.ok);
  if (failed && !failed.ok) return failed;
  const lists = pages.map((page) => (page.ok ? page.value : { items: [], nextPageToken: null, previousPageToken: null }));

  // k-way merge of the regions' heads: few regions, so a scan per item is enough. A task handed over
  // between regions is in both for a moment (taken there, not yet recorded as moved here): once.
  const heads = lists.map(() => 0);
  const merged: T[] = [];
  const seen = new Set<string>();
  while (merged.length < want) {
    let best = -1;
    lists.forEach((list, i) => {
      const item = list.items[heads[i]!];
      if (item !== undefined && (best === -1 || compare(item, lists[best]!.items[heads[best]!]!) < 0)) best = i;
    });
    if (best === -1) break;
    const item = lists[best]!.items[heads[best]!]!;
    heads[best]!++;
    if (seen.has(item.sid)) continue;
    seen.add(item.sid);
    merged.push(item);
  }
  const more = lists.some((list, i) => heads[i]! < list.items.length || list.nextPageToken !== null);
  const next: Record<string, number> = {};
  regionIds.forEach((region, i) => (next[region] = (offsets[region] ?? 0) + heads[i]!));
  return ok({ items: merged.slice(skip), nextPageToken: more ? regionsToken(next) : null, previousPageToken: null });
}
