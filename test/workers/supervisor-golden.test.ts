/**
 * The server side of the supervisors' golden frames (test/unit/contract/golden/supervisor-frames.json):
 * a real Router DO, at a fixed clock, sends a snapshot and two deltas that equal the frozen ones once the
 * SIDs it made up are numbered in order of appearance, and each parses under the contract's schema with
 * no key the schema does not know. The desktop's side reads the same file (test/web/golden-frames.test.ts),
 * so a change of the supervisors' wire shows on both sides and needs a deliberate update of the file.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import golden from "../unit/contract/golden/supervisor-frames.json";
import { routerName } from "../../platform/objects";
import { supervisorDeltaFrame, supervisorSnapshotFrame } from "../../contract/realtime-frames";
import { ACCOUNT, AVAILABLE, OFFLINE, WORKSPACE, snapshot, value } from "./router-fixtures";
import { connectToRouter, type Frame } from "./realtime-helpers";

/** A fixed whole hour, years ahead of the real clock, so no alarm fires by itself. */
const T0 = Date.UTC(2030, 0, 7, 12);
const clock = (ms: number) => vi.setSystemTime(T0 + ms);

/** Replaces each SID the Router made up (workers, tasks, reservations) by its kind and its number of appearance. */
function numbered(frames: Frame[]): Frame[] {
  const seen = new Map<string, string>();
  const counts = new Map<string, number>();
  const text = JSON.stringify(frames).replace(/\b(WK|WT|WR)[0-9a-f]{32}\b/g, (sid, kind: string) => {
    if (!seen.has(sid)) {
      const n = (counts.get(kind) ?? 0) + 1;
      counts.set(kind, n);
      seen.set(sid, kind + n.toString(16).repeat(32));
    }
    return seen.get(sid)!;
  });
  return JSON.parse(text) as Frame[];
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  clock(0);
});

afterEach(() => {
  vi.useRealTimers();
});

it("the Router's supervisor snapshot and deltas equal the golden frames and parse under the contract", async () => {
  // The workspace of one region, us-east (its SID names none: the default), as the Worker addresses it.
  const router = env.ROUTER.getByName(routerName(WORKSPACE, "us-east"));
  value(await router.applyConfig(snapshot(1), []));
  value(await router.createWorker(ACCOUNT, { friendlyName: "Alice", activitySid: AVAILABLE, attributes: '{"skills":["support"]}' }));
  const bob = value(await router.createWorker(ACCOUNT, { friendlyName: "Bob", activitySid: OFFLINE, attributes: "{}" })).worker.sid;
  const socket = await connectToRouter(router, {
    accountSid: ACCOUNT,
    workspaceSid: WORKSPACE,
    role: "supervisor",
    ops: [],
    expiresAt: T0 + 3600_000,
  });
  const snapshotFrame = await socket.nextOf("supervisor.snapshot");

  clock(5_000); // a support web chat from Ann Lee arrives and rings Alice: the first change goes at once
  const chat = { type: "support", conversationSid: "CH" + "1".repeat(32), channelType: "web", customers: { name: "Ann Lee" } };
  value(await router.createTask(ACCOUNT, { attributes: JSON.stringify(chat) }));
  const taskDelta = await socket.nextOf("supervisor.delta");

  clock(10_000); // a second later than the last frame, Bob is deleted: at once again
  value(await router.deleteWorker(ACCOUNT, bob));
  const removedDelta = await socket.nextOf("supervisor.delta");

  const frames = numbered([snapshotFrame, taskDelta, removedDelta]);
  expect(
    Object.fromEntries([
      ["supervisor.snapshot", frames[0]],
      ["supervisor.delta", frames[1]],
      ["supervisor.delta.removed", frames[2]],
    ]),
  ).toEqual(golden);
  expect(supervisorSnapshotFrame.strict().parse(frames[0])).toEqual(frames[0]);
  for (const delta of frames.slice(1)) expect(supervisorDeltaFrame.strict().parse(delta)).toEqual(delta);
});
