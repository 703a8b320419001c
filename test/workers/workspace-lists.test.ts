/**
 * Paging through every WorkspaceDO list: following the page tokens visits each item exactly once, in
 * creation order (newest first for TaskQueues with Ordering=DateCreated:desc), for page sizes 1, 2 and
 * 50, and a token from one list or order is refused by another.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newSid } from "../../contract/ids";
import type { ApiResult, Page, PageRequest } from "../../durable-objects/common/rpc";
import { workspaceFor } from "../../platform/objects";

const ACCOUNT = "AC" + "d".repeat(32);
const sid = newSid("WS");
const stub = workspaceFor(env, sid);

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.message}`);
  return result.value;
}

/** Follows next-page tokens from page 0 and returns the SIDs in the order seen. */
async function walk(list: (page: PageRequest) => Promise<ApiResult<Page<{ sid: string }>>>, pageSize: number): Promise<string[]> {
  const seen: string[] = [];
  let request: PageRequest = { pageSize, page: 0 };
  for (let guard = 0; guard < 100; guard++) {
    const page = value(await list(request));
    expect(page.items.length).toBeLessThanOrEqual(pageSize);
    seen.push(...page.items.map((item) => item.sid));
    if (page.nextPageToken === null) return seen;
    request = { pageSize, page: request.page + 1, pageToken: page.nextPageToken };
  }
  throw new Error("paging did not end");
}

beforeAll(async () => {
  value(await stub.createWorkspace(ACCOUNT, sid, { friendlyName: "Lists" }));
  for (let i = 0; i < 5; i++) {
    value(await stub.createActivity(ACCOUNT, { friendlyName: `Activity ${i}` }));
    value(await stub.createTaskChannel(ACCOUNT, { friendlyName: `Channel ${i}`, uniqueName: `channel${i}` }));
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: `Queue ${i}` }));
    const configuration = JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } });
    value(await stub.createWorkflow(ACCOUNT, { friendlyName: `Workflow ${i}`, configuration }));
  }
});

const lists: [string, (page: PageRequest) => Promise<ApiResult<Page<{ sid: string }>>>, number][] = [
  ["activities", (page) => stub.listActivities(ACCOUNT, {}, page), 3 + 5],
  ["task channels", (page) => stub.listTaskChannels(ACCOUNT, page), 6 + 5],
  ["task queues", (page) => stub.listTaskQueues(ACCOUNT, {}, page), 5],
  ["task queues, newest first", (page) => stub.listTaskQueues(ACCOUNT, { ordering: "DateCreated:desc" }, page), 5],
  ["workflows", (page) => stub.listWorkflows(ACCOUNT, {}, page), 5],
];

describe.each(lists)("%s", (_name, list, count) => {
  it.each([1, 2, 50])("in pages of %i: each item once, in list order", async (pageSize) => {
    const everything = value(await list({ pageSize: 1000, page: 0 })).items.map((item) => item.sid);
    expect(everything).toHaveLength(count);
    expect(new Set(everything).size).toBe(count);
    expect(await walk(list, pageSize)).toEqual(everything);
  });
});

it("lists task queues newest first with Ordering=DateCreated:desc", async () => {
  const asc = value(await stub.listTaskQueues(ACCOUNT, {}, { pageSize: 50, page: 0 })).items.map((q) => q.friendly_name);
  const desc = value(await stub.listTaskQueues(ACCOUNT, { ordering: "DateCreated:desc" }, { pageSize: 50, page: 0 })).items.map(
    (q) => q.friendly_name,
  );
  expect(desc).toEqual([...asc].reverse());
});

it("refuses a token issued for the other order, and a page size over 1000", async () => {
  const first = value(await stub.listTaskQueues(ACCOUNT, {}, { pageSize: 1, page: 0 }));
  const result = await stub.listTaskQueues(
    ACCOUNT,
    { ordering: "DateCreated:desc" },
    { pageSize: 1, page: 1, pageToken: first.nextPageToken! },
  );
  expect(result).toMatchObject({ ok: false, status: 400, code: 20001 });
  expect(await stub.listWorkflows(ACCOUNT, {}, { pageSize: 1001, page: 0 })).toMatchObject({ ok: false, status: 400 });
});
