/**
 * The desktop's side of the supervisors' golden frames (test/unit/contract/golden/supervisor-frames.json,
 * which a real Router DO must send: test/workers/supervisor-golden.test.ts): each passes the feed's edge
 * check, and the feed's reducer turns them into what Teams and Queue Stats show.
 */
import { expect, it } from "vitest";
import golden from "../unit/contract/golden/supervisor-frames.json";
import { SUPERVISOR_FRAME_TYPES } from "../../contract/frame-types";
import { ofTypes } from "../../web/socket/reconnecting-socket";
import { EMPTY_FEED, applyFrame, type SupervisorFrame } from "../../web/desktop/src/app/supervisor/feed";

const frames = golden as unknown as Record<"supervisor.snapshot" | "supervisor.delta" | "supervisor.delta.removed", SupervisorFrame>;
const [snapshot, ringing, removed] = [frames["supervisor.snapshot"], frames["supervisor.delta"], frames["supervisor.delta.removed"]];

it.each(Object.entries(golden))("%s passes the feed's edge check", (_kind, frame) => {
  expect(ofTypes<SupervisorFrame>(SUPERVISOR_FRAME_TYPES)(frame)).toBe(frame);
});

it("the feed folds the golden snapshot and deltas into the queues and workers a supervisor sees", () => {
  const first = applyFrame(EMPTY_FEED, snapshot, 1_000);
  expect(first.ready).toBe(true);
  expect(first.queues.map((q) => [q.friendly_name, q.total_tasks])).toEqual([
    ["Everyone", 0],
    ["Support", 0],
  ]);
  expect(first.workers.map((w) => [w.friendly_name, w.activity_name, w.reservations.length])).toEqual([
    ["Alice", "Available", 0],
    ["Bob", "Offline", 0],
  ]);

  const rung = applyFrame(first, ringing, 6_000);
  const support = rung.queues.find((q) => q.friendly_name === "Support")!;
  expect([support.tasks_by_status.reserved, support.today?.tasks_created, support.asOf]).toEqual([1, 1, 6_000]);
  expect(rung.queues.find((q) => q.friendly_name === "Everyone")!.asOf).toBe(1_000);
  expect(rung.workers[0]!.reservations).toMatchObject([
    { status: "pending", conversation_sid: "CH11111111111111111111111111111111", customer: "Ann Lee", task_queue_name: "Support" },
  ]);

  const after = applyFrame(rung, removed, 11_000);
  expect(after.workers.map((w) => w.friendly_name)).toEqual(["Alice"]);
  // The removal's delta carries of Support only its wait, which moved on: the rest of the row stays as it was.
  expect(after.queues.find((q) => q.friendly_name === "Support")).toEqual({ ...support, longest_task_waiting_age: 5, asOf: 11_000 });
  expect(after.team).toEqual(removed.team);
});

it("a delta without the team's tiles leaves them as they were (the server sends them only when they change)", () => {
  const first = applyFrame(EMPTY_FEED, snapshot, 1_000);
  const { team: _unchanged, ...quiet } = ringing as SupervisorFrame & { team?: unknown };
  const next = applyFrame(first, quiet as SupervisorFrame, 2_000);
  expect(next.team).toEqual(first.team);
  expect(next.team).not.toBeNull();
});

it("folds a delta's queue onto the row shown: of its objects only the keys that changed, the rest kept", () => {
  const first = applyFrame(EMPTY_FEED, snapshot, 1_000);
  const support = first.queues.find((q) => q.friendly_name === "Support")!;
  const delta = { ...ringing, queues: [{ sid: support.sid, tasks_by_status: { pending: 3 }, today: { tasks_created: 4 }, waiting: 3 }] };
  const next = applyFrame(first, delta as SupervisorFrame, 2_000).queues.find((q) => q.sid === support.sid)!;
  expect(next).toEqual({
    ...support,
    tasks_by_status: { ...support.tasks_by_status, pending: 3 },
    today: { ...support.today!, tasks_created: 4 },
    waiting: 3,
    asOf: 2_000,
  });
});
