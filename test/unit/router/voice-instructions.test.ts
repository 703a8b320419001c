/**
 * TaskRouter's voice instructions on the Router in plain Node (durable-objects/router/lifecycle/
 * voice-instructions.ts): `conference`, `dequeue` and an accepting `call` accept a call task's reservation
 * (the desk joins the room); a `redirect` of a Switchboard call's task — through the REST update and an
 * assignment callback's answer alike — cancels the task with a reason naming the URL, which the
 * conversation's call ends with; a redirect of any other task keeps Twilio's meaning (accepted).
 */
import { describe, expect, it } from "vitest";
import { Router } from "../../../durable-objects/router/lifecycle/router";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import { instructedUpdate, isSwitchboardCall } from "../../../durable-objects/router/lifecycle/voice-instructions";
import { ACCOUNT, AVAILABLE, snapshot, value } from "../../workers/router-fixtures";
import { sqliteHost } from "../kit/sqlite-host";

const T0 = Date.UTC(2026, 11, 7, 1, 0, 0);
const page = { pageSize: 50, page: 0 };
const CALL = JSON.stringify({ type: "support", conversationSid: "CH" + "1".repeat(32), call_sid: "CA" + "2".repeat(32) });

function scene() {
  const host = sqliteHost();
  applyMigrations(host, ROUTER_MIGRATIONS);
  const router = new Router(host);
  router.load(T0);
  value(router.applyConfig(snapshot(), [], {}, T0));
  const ann = value(
    router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: '{"skills":["support"]}' }, T0),
  ).worker;
  /** A task of these attributes, reserved for Ann: its SID and the reservation's. */
  const reserved = (attributes: string) => {
    const task = value(router.createTask(ACCOUNT, { attributes }, T0 + 1000)).task;
    const [reservation] = value(router.listReservations(ACCOUNT, { taskSid: task.sid }, page, T0 + 1000)).items;
    return { task: task.sid, reservation: reservation!.sid };
  };
  const task = (sid: string) => value(router.getTask(ACCOUNT, sid, T0 + 3000)).task;
  return { router, ann: ann.sid, reserved, task };
}

describe("voice instructions on a Switchboard call's task", () => {
  it.each(["conference", "dequeue"] as const)("%s accepts the reservation: the agent's desk joins the room", (instruction) => {
    const { router, ann, reserved, task } = scene();
    const call = reserved(CALL);
    value(router.applyAssignmentInstruction(ACCOUNT, call.reservation, { instruction }, T0 + 2000));
    expect(task(call.task).assignment_status).toBe("assigned");
    expect(value(router.getReservation(ACCOUNT, { workerSid: ann }, call.reservation, T0 + 3000)).reservation.reservation_status).toBe(
      "accepted",
    );
  });

  it("call accepts only when told to (CallAccept), as Twilio's", () => {
    const { router, reserved, task } = scene();
    const call = reserved(CALL);
    value(router.applyAssignmentInstruction(ACCOUNT, call.reservation, { instruction: "call", url: "https://x.example/twiml" }, T0 + 2000));
    expect(task(call.task).assignment_status).toBe("reserved");
    value(router.applyAssignmentInstruction(ACCOUNT, call.reservation, { instruction: "call", accept: true }, T0 + 2000));
    expect(task(call.task).assignment_status).toBe("assigned");
  });

  it("redirect, answered by an assignment callback, cancels the task with a reason naming the URL", () => {
    const { router, ann, reserved, task } = scene();
    const call = reserved(CALL);
    value(
      router.applyAssignmentInstruction(
        ACCOUNT,
        call.reservation,
        { instruction: "redirect", url: "https://x.example/ivr", call_sid: "CA" + "2".repeat(32) },
        T0 + 2000,
      ),
    );
    const canceled = task(call.task);
    expect(canceled.assignment_status).toBe("canceled");
    expect(canceled.reason).toBe(
      "Redirected to https://x.example/ivr: a Switchboard call is a LiveKit room and runs no TwiML, so the call ended",
    );
    expect(value(router.getReservation(ACCOUNT, { workerSid: ann }, call.reservation, T0 + 3000)).reservation.reservation_status).toBe(
      "canceled",
    );
    // Ann is free for the next task.
    expect(value(router.getWorkerChannel(ACCOUNT, ann, "default", T0 + 3000)).assigned_tasks).toBe(0);
  });

  it("redirect through the REST update cancels it the same way, whatever ReservationStatus it carries", () => {
    const { router, ann, reserved, task } = scene();
    const call = reserved(CALL);
    value(
      router.updateReservation(
        ACCOUNT,
        { workerSid: ann },
        call.reservation,
        { reservationStatus: "accepted", redirect: { url: "https://x.example/ivr" } },
        T0 + 2000,
      ),
    );
    expect(task(call.task)).toMatchObject({ assignment_status: "canceled", reason: expect.stringContaining("runs no TwiML") });
    const events = value(router.listEvents(ACCOUNT, { ...page, taskSid: call.task }, T0 + 3000)).items.map((e) => e.event_type);
    expect(events).toContain("task.canceled");
    expect(events).not.toContain("reservation.accepted");
  });

  it("refuses a redirect of a reservation no longer pending, changing nothing", () => {
    const { router, ann, reserved, task } = scene();
    const call = reserved(CALL);
    value(router.updateReservation(ACCOUNT, { workerSid: ann }, call.reservation, { reservationStatus: "accepted" }, T0 + 2000));
    const refused = router.applyAssignmentInstruction(
      ACCOUNT,
      call.reservation,
      { instruction: "redirect", url: "https://x.example/ivr" },
      T0 + 2500,
    );
    expect(refused).toMatchObject({ ok: false, status: 400, message: expect.stringContaining("no longer pending (it is accepted)") });
    expect(task(call.task).assignment_status).toBe("assigned");
  });
});

describe("voice instructions on any other task keep Twilio's meaning", () => {
  it("redirect accepts the reservation unless told not to", () => {
    const { router, reserved, task } = scene();
    const plain = reserved(JSON.stringify({ type: "support", call_sid: "CA" + "3".repeat(32) }));
    value(
      router.applyAssignmentInstruction(ACCOUNT, plain.reservation, { instruction: "redirect", url: "https://x.example/ivr" }, T0 + 2000),
    );
    expect(task(plain.task).assignment_status).toBe("assigned");
  });

  it.each([
    // [attributes, a Switchboard call's?]
    [CALL, true],
    [JSON.stringify({ conversationSid: "CH" + "1".repeat(32) }), false], // a chat's task
    [JSON.stringify({ call_sid: "CA" + "2".repeat(32) }), false], // a caller's own Twilio call
    [JSON.stringify({ conversationSid: "CH123", call_sid: "CA" + "2".repeat(32) }), false],
    ["not json call_sid", false],
  ])("isSwitchboardCall(%s) is %s", (attributes, expected) => {
    expect(isSwitchboardCall({ attributes })).toBe(expected);
  });
});

describe("instructedUpdate: what a reservation update asks, the REST form's and the SDK bridge's alike", () => {
  it.each([
    // [the update's parameters, what the Router is asked]
    [{ instruction: "conference" }, { reservationStatus: "accepted" }],
    [{ instruction: "dequeue" }, { reservationStatus: "accepted" }],
    [{ instruction: "accept" }, { reservationStatus: "accepted" }],
    [{ instruction: "reject" }, { reservationStatus: "rejected" }],
    [{ instruction: "call" }, {}],
    [{ instruction: "call", callAccept: true }, { reservationStatus: "accepted" }],
    [{ instruction: "call", callAccept: "true" }, { reservationStatus: "accepted" }],
    [
      { instruction: "redirect", redirectUrl: "https://x.example" },
      { reservationStatus: "accepted", redirect: { callSid: undefined, url: "https://x.example" } },
    ],
    [{ instruction: "redirect", redirectAccept: "false", redirectCallSid: "CA1" }, { redirect: { callSid: "CA1", url: undefined } }],
    [{ reservationStatus: "wrapping", instruction: "conference" }, { reservationStatus: "wrapping" }],
    [{}, {}],
  ] as const)("%j → %j", (params, expected) => {
    expect(instructedUpdate(params)).toEqual(expected);
  });
});
