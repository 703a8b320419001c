/**
 * Paging as the stock client walks it (following `next_page_url` until it is null): with page sizes
 * 1, 2 and 50, every worker, task, task queue and event is visited exactly once, by `list` and by `each`.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { switchboardClient } from "./client";

const client = switchboardClient();
let ws: ReturnType<typeof client.taskrouter.v1.workspaces>;
const workerSids: string[] = [];
const taskSids: string[] = [];

function eachSid(
  each: (opts: { pageSize: number; callback: (item: { sid: string }) => void; done: (err?: Error) => void }) => void,
  pageSize: number,
) {
  return new Promise<string[]>((resolve, reject) => {
    const seen: string[] = [];
    each({ pageSize, callback: (item) => seen.push(item.sid), done: (err) => (err ? reject(err) : resolve(seen)) });
  });
}

beforeAll(async () => {
  const workspace = await client.taskrouter.v1.workspaces.create({
    friendlyName: `compat-paging-${randomUUID().slice(0, 8)}`,
    template: "FIFO",
  });
  ws = client.taskrouter.v1.workspaces(workspace.sid);
  const workflow = (await ws.workflows.list())[0]!.sid;
  // Workers stay Offline (the default activity), so the tasks wait and nothing changes while we page.
  for (let i = 0; i < 7; i++) workerSids.push((await ws.workers.create({ friendlyName: `agent-${i}` })).sid);
  for (let i = 0; i < 7; i++) taskSids.push((await ws.tasks.create({ workflowSid: workflow, attributes: JSON.stringify({ n: i }) })).sid);
  for (let i = 0; i < 4; i++) await ws.taskQueues.create({ friendlyName: `queue-${i}` });
});

describe.each([1, 2, 50])("page size %i", (pageSize) => {
  it("visits every worker and task exactly once", async () => {
    const workers = (await ws.workers.list({ pageSize })).map((w) => w.sid);
    expect(workers.sort()).toEqual([...workerSids].sort());
    const tasks = (await ws.tasks.list({ pageSize })).map((t) => t.sid);
    expect(tasks.sort()).toEqual([...taskSids].sort());
    expect((await eachSid((opts) => ws.tasks.each(opts), pageSize)).sort()).toEqual([...taskSids].sort());
  });

  it("visits every task queue and event exactly once", async () => {
    const queues = (await ws.taskQueues.list({ pageSize })).map((q) => q.sid);
    expect(new Set(queues).size).toBe(queues.length);
    expect(queues).toHaveLength(5); // the template's Sample Queue and four more
    const events = (await ws.events.list({ pageSize, minutes: 60 })).map((e) => e.sid);
    expect(new Set(events).size).toBe(events.length);
    expect(events.length).toBeGreaterThanOrEqual(7 + 7 + 4); // at least one event per created resource
    expect((await eachSid((opts) => ws.events.each({ ...opts, minutes: 60 } as typeof opts), pageSize)).sort()).toEqual([...events].sort());
  });
});
