/**
 * The waiting count of an agent's queues through the real Router DO: `hello` carries it, a change goes
 * at once as `queues.waiting`, changes within the second after are kept in sb_timers and flushed by the
 * one alarm — across an eviction. The clock is the test's fake `Date`, a day ahead of the real one, so
 * the alarm fires only when the test runs it.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { routerName } from "../../platform/objects";
import { ACCOUNT, EVERYONE, OFFLINE, SUPPORT, WORKSPACE, snapshot, value } from "./router-fixtures";
import { connectToRouter } from "./realtime-helpers";

const HOUR = 3_600_000;
const T0 = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR;
const clock = (ms: number) => vi.setSystemTime(T0 + ms);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  clock(0);
});
afterEach(() => {
  vi.useRealTimers();
});

it("tells the agent what waits in their queues: in hello, at once, then coalesced through the alarm across an eviction", async () => {
  const stub = () => env.ROUTER.getByName(routerName(WORKSPACE, "agent-queues"));
  value(await stub().applyConfig(snapshot(1), []));
  // Offline, so the tasks wait instead of ringing her.
  const ann = value(await stub().createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: OFFLINE, attributes: '{"skills":["support"]}' }))
    .worker.sid;
  const socket = await connectToRouter(stub(), {
    accountSid: ACCOUNT,
    workspaceSid: WORKSPACE,
    role: "worker",
    workerSid: ann,
    ops: [],
    expiresAt: T0 + HOUR,
  });
  expect(await socket.nextOf("hello")).toMatchObject({
    queues: [
      { sid: SUPPORT, waiting: 0, oldest_waiting_since_ms: null },
      { sid: EVERYONE, waiting: 0, oldest_waiting_since_ms: null },
    ],
  });

  clock(5_000);
  value(await stub().createTask(ACCOUNT, { attributes: '{"type":"support"}' }));
  expect(await socket.nextOf("queues.waiting")).toMatchObject({
    date_ms: T0 + 5_000,
    queues: [
      { sid: SUPPORT, waiting: 1, oldest_waiting_since_ms: T0 + 5_000 },
      { sid: EVERYONE, waiting: 0 },
    ],
  });

  clock(5_400); // within the second: kept for the alarm, which survives the eviction
  value(await stub().createTask(ACCOUNT, { attributes: '{"type":"other"}' }));
  await evictDurableObject(stub());
  clock(6_000);
  expect(await runDurableObjectAlarm(stub())).toBe(true);
  expect(await socket.nextOf("queues.waiting")).toMatchObject({
    date_ms: T0 + 6_000,
    queues: [
      { sid: SUPPORT, waiting: 1 },
      { sid: EVERYONE, waiting: 1, oldest_waiting_since_ms: T0 + 5_400 },
    ],
  });
});
