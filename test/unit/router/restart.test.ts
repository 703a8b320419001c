/**
 * Evicting the Router at any point changes nothing: two routers run the same script of operations,
 * one of them rebuilt from its storage (a new Router on the same database, as after an eviction)
 * before every step. After every step both must show the same tasks, reservations, channels and
 * timers — so a restart never loses a task, a reservation or a timer, and never reserves twice.
 */
import { describe, expect, it } from "vitest";
import { Router } from "../../../durable-objects/router/lifecycle/router";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { ACCOUNT, AVAILABLE, EVERYONE, OFFLINE, SUPPORT, snapshot, value, workflow } from "../../workers/router-fixtures";
import { sqliteHost } from "../kit/sqlite-host";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const page = { pageSize: 1000, page: 0 };

// Support tasks wait 30 s for a "senior" support agent, then take any support agent; everything else
// goes to Everyone. Two reservations at a time in Everyone.
const CONFIGURATION = JSON.stringify({
  task_routing: {
    filters: [
      {
        filter_friendly_name: "Support",
        expression: "type == 'support'",
        targets: [{ queue: SUPPORT, expression: "worker.senior == true", timeout: 30, priority: 5 }, { queue: SUPPORT }],
      },
    ],
    default_filter: { queue: EVERYONE },
  },
});

function config() {
  const s = snapshot(1, [workflow({ configuration: CONFIGURATION, task_reservation_timeout: 20 })]);
  return { ...s, taskQueues: s.taskQueues.map((q) => (q.sid === EVERYONE ? { ...q, max_reserved_workers: 2 } : q)) };
}

class Subject {
  router: Router;
  now = T0;
  constructor(
    readonly host: StoreHost,
    readonly restartEveryStep: boolean,
  ) {
    applyMigrations(host, ROUTER_MIGRATIONS);
    this.router = new Router(host);
    this.router.load(T0);
    value(this.router.applyConfig(config(), [], {}, T0));
  }

  /** Runs one step a second after the previous one; the restarting subject is rebuilt from storage first. */
  step<T>(fn: (router: Router, now: number) => T): T {
    this.now += 1000;
    if (this.restartEveryStep) {
      this.router = new Router(this.host);
      this.router.load(this.now);
    }
    return fn(this.router, this.now);
  }

  /** Everything observable, with SIDs replaced by names and creation order. */
  state() {
    const workers = value(this.router.listWorkers(ACCOUNT, page, this.now)).items;
    const name = new Map(workers.map((w) => [w.sid, w.friendly_name]));
    const tasks = value(this.router.listTasks(ACCOUNT, page, this.now)).items;
    return {
      workers: workers.map((w) => ({
        name: w.friendly_name,
        activity: w.activity_name,
        channels: value(this.router.listWorkerChannels(ACCOUNT, w.sid, page, this.now)).items.map((c) => [
          c.task_channel_unique_name,
          c.assigned_tasks,
        ]),
      })),
      tasks: tasks.map((t) => ({
        status: t.assignment_status,
        queue: t.task_queue_friendly_name,
        priority: t.priority,
        reservations: value(this.router.listReservations(ACCOUNT, { taskSid: t.sid }, page, this.now))
          .items.map((r) => [name.get(r.worker_sid), r.reservation_status])
          .sort(), // reservations made at the same moment are listed by SID, which differs between the two
      })),
      nextAlarm: this.router.nextAlarm(),
    };
  }
}

type Step = (subject: Subject) => void;
const worker =
  (name: string, attributes: object, activitySid = AVAILABLE): Step =>
  (s) =>
    s.step((r, now) => value(r.createWorker(ACCOUNT, { friendlyName: name, activitySid, attributes: JSON.stringify(attributes) }, now)));
const task =
  (attributes: object, taskChannel = "default"): Step =>
  (s) =>
    s.step((r, now) => value(r.createTask(ACCOUNT, { attributes: JSON.stringify(attributes), taskChannel }, now)));
const pendingOf = (s: Subject, workerName: string) => {
  const [w] = value(s.router.listWorkers(ACCOUNT, { ...page, friendlyName: workerName }, s.now)).items;
  return value(s.router.listReservations(ACCOUNT, { workerSid: w!.sid }, { ...page, reservationStatus: "pending" }, s.now)).items;
};
const answer =
  (workerName: string, reservationStatus: "accepted" | "rejected"): Step =>
  (s) =>
    s.step((r, now) => {
      const [reservation] = pendingOf(s, workerName);
      value(r.updateReservation(ACCOUNT, { workerSid: reservation!.worker_sid }, reservation!.sid, { reservationStatus }, now));
    });
const taskNumber = (s: Subject, n: number) => value(s.router.listTasks(ACCOUNT, page, s.now)).items[n]!.sid;
const finish =
  (n: number, assignmentStatus: "completed" | "canceled"): Step =>
  (s) =>
    s.step((r, now) => value(r.updateTask(ACCOUNT, taskNumber(s, n), { assignmentStatus }, now)));
const activity =
  (workerName: string, activitySid: string): Step =>
  (s) =>
    s.step((r, now) => {
      const [w] = value(r.listWorkers(ACCOUNT, { ...page, friendlyName: workerName }, now)).items;
      value(r.updateWorker(ACCOUNT, w!.sid, { activitySid }, now));
    });
/** Moves the clock on and fires whatever timers are due, as the alarm would. */
const wait =
  (seconds: number): Step =>
  (s) => {
    s.now += seconds * 1000;
    s.step((r, now) => r.fireTimers(now));
  };

// Each step with the task statuses it leaves (in creation order), worked out by hand.
const SCRIPT: [string, Step, string[]][] = [
  ["Ann (support) joins", worker("Ann", { skills: ["support"] }), []],
  ["Bo (senior support) joins, offline", worker("Bo", { skills: ["support"], senior: true }, OFFLINE), []],
  ["Cy joins", worker("Cy", {}), []],
  ["a support task waits for a senior (Bo is offline)", task({ type: "support" }), ["pending"]],
  ["a general task: Ann and Cy are offered it (two at a time)", task({ type: "general" }), ["pending", "reserved"]],
  ["Cy accepts: Ann's reservation is rescinded", answer("Cy", "accepted"), ["pending", "assigned"]],
  ["the senior step times out: Ann, free again, gets the support task", wait(31), ["reserved", "assigned"]],
  ["Ann rejects it", answer("Ann", "rejected"), ["pending", "assigned"]],
  ["Bo comes online and is offered it", activity("Bo", AVAILABLE), ["reserved", "assigned"]],
  ["Bo lets the reservation time out (moves to Break)", wait(21), ["pending", "assigned"]],
  ["a chat task for Everyone goes to Ann and Cy", task({}, "chat"), ["pending", "assigned", "reserved"]],
  ["Ann accepts", answer("Ann", "accepted"), ["pending", "assigned", "assigned"]],
  ["Cy completes the general task", finish(1, "completed"), ["pending", "completed", "assigned"]],
  ["the support task is canceled", finish(0, "canceled"), ["canceled", "completed", "assigned"]],
  ["fifteen minutes later the finished tasks are purged", wait(15 * 60), ["assigned"]],
];

describe("a router rebuilt from storage before every step behaves as one that never stopped", () => {
  it("runs the script with identical observable state after every step", () => {
    const steady = new Subject(sqliteHost(), false);
    const restarted = new Subject(sqliteHost(), true);
    for (const [what, step, statuses] of SCRIPT) {
      step(steady);
      step(restarted);
      expect(
        steady.state().tasks.map((t) => t.status),
        what,
      ).toEqual(statuses);
      expect(restarted.state(), what).toEqual(steady.state());
    }
    // Where the script ends, worked out by hand: only the chat task is left (the others were purged).
    // Everyone reserves two at a time and both Ann and Cy had room on chat; Ann accepted, so Cy's was rescinded.
    expect(steady.state().tasks).toEqual([
      {
        status: "assigned",
        queue: "Everyone",
        priority: 0,
        reservations: [
          ["Ann", "accepted"],
          ["Cy", "rescinded"],
        ],
      },
    ]);
    expect(steady.state().workers.map((w) => [w.name, w.activity])).toEqual([
      ["Ann", "Available"],
      ["Bo", "Break"],
      ["Cy", "Available"],
    ]);
  });
});
