/**
 * A delta carries only what changed of each queue (and the team's tiles only when they changed), measured
 * against what every supervisor with a snapshot has (realtime/supervisor-sent.ts). What counts is what a
 * supervisor ends up seeing: each socket's frames, folded as the desktop folds them, give exactly the rows
 * a fresh snapshot gives — whoever connected in between, and after the feed's memory is lost.
 */
import { describe, expect, it } from "vitest";
import { SupervisorFeed } from "../../../durable-objects/router/realtime/supervisors";
import { SentToSupervisors } from "../../../durable-objects/router/realtime/supervisor-sent";
import type { EventRecord } from "../../../contract/taskrouter";
import type { SupervisorQueue, SupervisorTeam } from "../../../contract/realtime-frames";
import { ACCOUNT, AVAILABLE, EVERYONE, OFFLINE, SUPPORT, value } from "../../workers/router-fixtures";
import { configuredRouter, createAnn } from "./router-scene";
import { foldQueue } from "../../../contract/supervisor-fold";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

const row = (overrides: Partial<SupervisorQueue> = {}): SupervisorQueue => ({
  sid: SUPPORT,
  friendly_name: "Support",
  tasks_by_status: { pending: 0, reserved: 0 },
  total_tasks: 0,
  longest_task_waiting_age: 0,
  longest_task_waiting_sid: null,
  total_available_workers: 1,
  total_eligible_workers: 1,
  activity_statistics: [{ sid: AVAILABLE, friendly_name: "Available", workers: 1 }],
  today: {
    since: 0,
    tasks_created: 0,
    tasks_accepted: 0,
    tasks_completed: 0,
    tasks_canceled: 0,
    service_level: null,
    service_level_threshold: 30,
  },
  waiting: 0,
  ...overrides,
});
const team = (available: number): SupervisorTeam => ({
  agents_by_state: { available, busy: 0, wrapping: 0, away: 0, offline: 0 },
  task_channels: [],
});

describe("what every supervisor has (SentToSupervisors)", () => {
  it.each([
    ["a queue not known yet goes whole", [], row(), row()],
    [
      "only the fields that changed, of an object only its keys that changed",
      [row()],
      row({ total_tasks: 1, tasks_by_status: { pending: 1, reserved: 0 } }),
      { sid: SUPPORT, total_tasks: 1, tasks_by_status: { pending: 1 } },
    ],
    [
      "an array whole",
      [row()],
      row({ activity_statistics: [{ sid: AVAILABLE, friendly_name: "Available", workers: 2 }] }),
      { sid: SUPPORT, activity_statistics: [{ sid: AVAILABLE, friendly_name: "Available", workers: 2 }] },
    ],
    [
      "an object whose keys changed: the row whole",
      [row()],
      row({ tasks_by_status: { pending: 0 } }),
      row({ tasks_by_status: { pending: 0 } }),
    ],
    ["a queue touched but unchanged: its SID alone", [row()], row(), { sid: SUPPORT }],
    [
      "measured against the last delta, not the first",
      [row(), row({ total_tasks: 1 })],
      row({ total_tasks: 1, waiting: 1 }),
      { sid: SUPPORT, waiting: 1 },
    ],
    [
      "a field the row no longer has: whole",
      [row()],
      (({ waiting: _gone, ...rest }) => rest)(row()),
      (({ waiting: _gone, ...rest }) => rest)(row()),
    ],
  ] as const)("%s", (_case, before, now, expected) => {
    const sent = new SentToSupervisors();
    for (const earlier of before) sent.queueChanges([earlier]);
    expect(sent.queueChanges([now])).toEqual([expected]);
  });

  it("sends the team's tiles the first time and when they change, not when every supervisor has them", () => {
    const sent = new SentToSupervisors();
    expect([sent.teamChange(team(1)), sent.teamChange(team(1)), sent.teamChange(team(2)), sent.teamChange(team(2))]).toEqual([
      team(1),
      undefined,
      team(2),
      undefined,
    ]);
  });

  it("keeps what a new supervisor's snapshot says the same, and forgets where it says otherwise", () => {
    const sent = new SentToSupervisors();
    const everyone = row({ sid: EVERYONE, friendly_name: "Everyone" });
    sent.queueChanges([row(), everyone]);
    sent.teamChange(team(1));
    // The snapshot saw Support with one more task than the others were sent, and the same team.
    sent.snapshotSent([row({ total_tasks: 1 }), everyone], team(1));
    expect(sent.queueChanges([row({ total_tasks: 1 }), everyone])).toEqual([row({ total_tasks: 1 }), { sid: EVERYONE }]);
    expect(sent.teamChange(team(1))).toBeUndefined();
    // A snapshot with other tiles, and without Everyone (deleted): both forgotten.
    sent.snapshotSent([row({ total_tasks: 1 })], team(3));
    expect(sent.teamChange(team(3))).toEqual(team(3));
    expect(sent.queueChanges([everyone])).toEqual([everyone]);
  });

  it("knows nothing once it forgets: the next delta is whole", () => {
    const sent = new SentToSupervisors();
    sent.queueChanges([row()]);
    sent.teamChange(team(1));
    sent.forget();
    expect([sent.queueChanges([row()]), sent.teamChange(team(1))]).toEqual([[row()], team(1)]);
  });
});

type Wire = Record<string, unknown> & { type: string; queues: SupervisorQueue[]; team?: SupervisorTeam };

/** What a supervisor has after its frames, folded with the desktop's rule (contract/supervisor-fold.ts). */
function folded(frames: readonly Wire[]): { queues: Map<string, SupervisorQueue>; team: SupervisorTeam | undefined } {
  const queues = new Map<string, SupervisorQueue>();
  let tiles: SupervisorTeam | undefined;
  for (const frame of frames) {
    if (frame.type === "supervisor.snapshot") queues.clear();
    for (const q of frame.queues) queues.set(q.sid, foldQueue(queues.get(q.sid), q));
    tiles = frame.team ?? tiles;
  }
  return { queues, team: tiles };
}

describe("the feed's deltas, folded, are what a fresh snapshot says", () => {
  function world() {
    let events: readonly EventRecord[] = [];
    const { host, router } = configuredRouter(T0, (recorded) => (events = recorded));
    const ann = createAnn(router, T0);
    const open: string[] = [];
    const received = new Map<string, Wire[]>();
    const sockets = {
      open: () => open,
      send: (socket: string, text: string) => received.set(socket, [...(received.get(socket) ?? []), JSON.parse(text) as Wire]),
    };
    const feedOf = () => new SupervisorFeed(host, router, sockets);
    let feed = feedOf();
    return {
      router,
      ann: ann.worker.sid,
      received,
      /** A supervisor connects: its snapshot, then the deltas. */
      connect: async (socket: string, now: number) => {
        open.push(socket);
        await feed.open(socket, now);
      },
      /** The committed operation's events, to the feed as the Router DO hands them over. */
      publish: (now: number) => feed.publish(events, now),
      flush: (now: number) => feed.flushDue(now),
      /** An eviction: the feed starts again with nothing in memory. */
      evict: () => (feed = feedOf()),
      /** What a supervisor connecting now would be sent. */
      fresh: async (now: number) => {
        const probe = `probe-${now}`;
        await feedOf().open(probe, now);
        return folded(received.get(probe)!);
      },
    };
  }

  it("one supervisor, then a second connecting between a change and its coalesced flush, then an eviction", async () => {
    const w = world();
    await w.connect("first", T0 + 1000);
    value(w.router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0 + 5000));
    w.publish(T0 + 5000);
    value(w.router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0 + 5200)); // within the second: coalesced
    w.publish(T0 + 5200);
    await w.connect("second", T0 + 5500); // its snapshot already has the second task
    w.flush(T0 + 6000);
    value(w.router.updateWorker(ACCOUNT, w.ann, { activitySid: OFFLINE }, T0 + 8000));
    w.publish(T0 + 8000);
    w.evict();
    value(w.router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0 + 10_000));
    w.publish(T0 + 10_000);

    const first = w.received.get("first")!;
    expect(first.map((f) => f.type)).toEqual(["supervisor.snapshot", ...Array(4).fill("supervisor.delta")]);
    for (const socket of ["first", "second"]) expect(folded(w.received.get(socket)!)).toEqual(await w.fresh(T0 + 10_000));
    // Whole where not every supervisor had the same (after the second's snapshot, after the eviction); else only what changed.
    const keys = (frame: Wire) => Object.keys(frame.queues.find((q) => q.sid === SUPPORT)!).length;
    const whole = keys(first[0]!);
    expect(first.slice(1).map(keys)).toEqual([whole, whole, expect.any(Number), whole]);
    expect(keys(first[3]!)).toBeLessThan(whole);
    expect(first[3]!.queues.find((q) => q.sid === SUPPORT)).not.toHaveProperty("friendly_name");
  });
});
