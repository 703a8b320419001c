/**
 * The Router's lifecycle in plain Node (node:sqlite): a task's whole path, what a restart keeps, and
 * that bad input changes nothing. The workerd tests (test/workers/router-*.test.ts) repeat the key
 * paths through the real Durable Object, with eviction and alarms.
 */
import { describe, expect, it } from "vitest";
import { Router } from "../../../durable-objects/router/lifecycle/router";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import { ACCOUNT, AVAILABLE, snapshot, value } from "../../workers/router-fixtures";
import { sqliteHost } from "../kit/sqlite-host";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const page = { pageSize: 50, page: 0 };

function router() {
  const host = sqliteHost();
  applyMigrations(host, ROUTER_MIGRATIONS);
  const r = new Router(host);
  r.load(T0);
  value(r.applyConfig(snapshot(), [], {}, T0));
  return { host, router: r };
}

describe("router lifecycle", () => {
  it("routes a support task to the support agent; accept → assigned; complete frees the agent", () => {
    const { router: r } = router();
    const ann = value(
      r.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: '{"skills":["support"]}' }, T0),
    ).worker;
    const task = value(r.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0 + 1000)).task;
    expect(task.assignment_status).toBe("reserved");
    expect(task.task_queue_friendly_name).toBe("Support");
    const [reservation] = value(r.listReservations(ACCOUNT, { taskSid: task.sid }, page, T0 + 1000)).items;
    expect(reservation).toMatchObject({ worker_sid: ann.sid, reservation_status: "pending" });
    value(r.updateReservation(ACCOUNT, { workerSid: ann.sid }, reservation!.sid, { reservationStatus: "accepted" }, T0 + 2000));
    expect(value(r.getTask(ACCOUNT, task.sid, T0 + 3000)).task.assignment_status).toBe("assigned");
    value(r.updateTask(ACCOUNT, task.sid, { assignmentStatus: "completed", reason: "done" }, T0 + 4000));
    const done = value(r.getTask(ACCOUNT, task.sid, T0 + 5000)).task;
    expect(done).toMatchObject({ assignment_status: "completed", reason: "done", age: 4 }); // created at T0+1 s, read at T0+5 s
    const channel = value(r.getWorkerChannel(ACCOUNT, ann.sid, "default", T0 + 5000));
    expect(channel).toMatchObject({ assigned_tasks: 0, configured_capacity: 1, available_capacity_percentage: 100 });
    const types = value(r.listEvents(ACCOUNT, { ...page, taskSid: task.sid }, T0 + 5000))
      .items.map((e) => e.event_type)
      .reverse();
    expect(types).toEqual([
      "task.created",
      "workflow.entered",
      "workflow.target-matched",
      "task-queue.entered",
      "reservation.created",
      "reservation.accepted",
      "reservation.completed",
      "task.completed",
    ]);
  });
});
