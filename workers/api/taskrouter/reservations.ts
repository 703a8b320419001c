/**
 * TaskRouter v1 Reservations, reached through their task (`/Tasks/{WT}/Reservations`) or their worker
 * (`/Workers/{WK}/Reservations`), answered by the Router DO of that task's or worker's region (a task is
 * reserved in its own region): list, fetch, and update — accept, reject
 * (optionally moving the worker with WorkerActivitySid), wrap up, complete.
 *
 * `Instruction` is taken as Twilio's call instructions are once the call is bridged: `dequeue`,
 * `conference` and `redirect` (unless RedirectAccept is false) accept the reservation, `call` only with
 * CallAccept=true; for a Switchboard call's task the accepting agent's desk joins the call's LiveKit room,
 * and a `redirect` ends the call, its task canceled with a reason naming RedirectUrl
 * (durable-objects/router/lifecycle/voice-instructions.ts). Switchboard dials no phone, so the call and
 * conference parameters are accepted (a stock client may send them) and otherwise ignored.
 */
import type { Context } from "hono";
import type { ReservationRecord } from "../../../contract/taskrouter";
import type { ReservationOwner } from "../../../durable-objects/router/router-do";
import { resourceRoutes, routeGroup, tagged } from "./context";
import { bool, oneOf, paging, sid, str } from "./params";
import { apiUrl } from "./wire";
import { ApiError } from "../../http/errors";
import { holding, type Router } from "./across-regions";
import { instructedUpdate } from "../../../durable-objects/router/lifecycle/voice-instructions";

export const routes = routeGroup();

/** A reservation as Twilio returns it, under the path it was reached through. */
export function reservationBody(c: Context, record: ReservationRecord, through: "task" | "worker") {
  const workspace = apiUrl(c, `Workspaces/${record.workspace_sid}`);
  const owner = through === "task" ? `Tasks/${record.task_sid}` : `Workers/${record.worker_sid}`;
  return {
    ...record,
    url: `${workspace}/${owner}/Reservations/${record.sid}`,
    links: { task: `${workspace}/Tasks/${record.task_sid}`, worker: `${workspace}/Workers/${record.worker_sid}`, workspace },
  };
}

const STATUSES = ["pending", "accepted", "rejected", "timeout", "canceled", "rescinded", "wrapping", "completed"] as const;

/** Call and conference parameters of Twilio's reservation update: accepted, not acted on (see above). */
const CALL_PARAMETERS = [
  "DequeuePostWorkActivitySid",
  "DequeueFrom",
  "DequeueRecord",
  "DequeueTimeout",
  "DequeueTo",
  "DequeueStatusCallbackUrl",
  "CallFrom",
  "CallRecord",
  "CallTimeout",
  "CallTo",
  "CallUrl",
  "CallStatusCallbackUrl",
  "RedirectCallSid",
  "RedirectUrl",
  "To",
  "From",
  "StatusCallback",
  "StatusCallbackMethod",
  "StatusCallbackEvent",
  "Timeout",
  "Record",
  "Muted",
  "Beep",
  "StartConferenceOnEnter",
  "EndConferenceOnExit",
  "WaitUrl",
  "WaitMethod",
  "EarlyMedia",
  "MaxParticipants",
  "ConferenceStatusCallback",
  "ConferenceStatusCallbackMethod",
  "ConferenceStatusCallbackEvent",
  "ConferenceRecord",
  "ConferenceTrim",
  "RecordingChannels",
  "RecordingStatusCallback",
  "RecordingStatusCallbackMethod",
  "ConferenceRecordingStatusCallback",
  "ConferenceRecordingStatusCallbackMethod",
  "Region",
  "SipAuthUsername",
  "SipAuthPassword",
  "DequeueStatusCallbackEvent",
  "PostWorkActivitySid",
  "EndConferenceOnCustomerExit",
  "BeepOnCustomerEntrance",
  "JitterBufferSize",
] as const;
const ignored = () => str({ max: 4096 }).optional();
const callParameters = Object.fromEntries(CALL_PARAMETERS.map((name) => [name, ignored()])) as Record<
  (typeof CALL_PARAMETERS)[number],
  ReturnType<typeof ignored>
>;

const updateParams = {
  ReservationStatus: oneOf(STATUSES).optional(),
  WorkerActivitySid: sid("WA").optional(),
  Instruction: oneOf(["conference", "dequeue", "call", "redirect"]).optional(),
  CallAccept: bool().optional(),
  RedirectAccept: bool().optional(),
  ...callParameters,
};

const ownerOf = (c: Context, through: "task" | "worker"): ReservationOwner =>
  through === "task" ? { taskSid: c.req.param("TaskSid") ?? "" } : { workerSid: c.req.param("WorkerSid") ?? "" };
/**
 * `call` on the Router that holds the task or worker of the path, and so its reservations (reserved in
 * its own region; a task handed over to another region is followed there).
 */
const viaOwner = <R>(c: Context, through: "task" | "worker", call: (router: Router) => R) => {
  const owner = ownerOf(c, through);
  return holding(c, "taskSid" in owner ? owner.taskSid : owner.workerSid, call);
};

const listParams = { ...paging, ReservationStatus: oneOf(STATUSES).optional() };

for (const through of ["task", "worker"] as const) {
  const byTask = through === "task";
  resourceRoutes(routes, {
    path: byTask ? "/Workspaces/:WorkspaceSid/Tasks/:TaskSid/Reservations" : "/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Reservations",
    tag: "Reservations",
    listKey: "reservations",
    body: (c, record: ReservationRecord) => reservationBody(c, record, through),
    list: {
      summary: `List a ${through}'s reservations, oldest first`,
      params: byTask ? { ...listParams, WorkerSid: sid("WK").optional() } : listParams,
      run: (c, p, page) =>
        viaOwner(c, through, (router) =>
          router.listReservations(c.get("accountSid"), ownerOf(c, through), {
            ...page,
            reservationStatus: p.ReservationStatus,
            workerSid: "WorkerSid" in p ? (p.WorkerSid as string | undefined) : undefined,
          }),
        ),
    },
    fetch: {
      summary: `Fetch a ${through}'s reservation`,
      run: async (c, sid) =>
        tagged(
          c,
          "reservation",
          await viaOwner(c, through, (router) => router.getReservation(c.get("accountSid"), ownerOf(c, through), sid)),
        ),
    },
    update: {
      summary: "Accept, reject, wrap up or complete a reservation (If-Match optional)",
      params: byTask
        ? { ...updateParams, SupervisorMode: oneOf(["monitor", "whisper", "barge"]).optional(), Supervisor: str().optional() }
        : updateParams,
      run: async (c, sid, p) => {
        // Twilio's conference supervision: a Switchboard supervisor joins the call's room with their own
        // token instead, so the parameters are refused rather than silently doing nothing.
        if ("Supervisor" in p && (p.Supervisor !== undefined || p.SupervisorMode !== undefined))
          throw new ApiError(
            400,
            20001,
            "Invalid parameter Supervisor: supervising a call is not a reservation update here; the supervisor joins with " +
              "POST /api/conversations/{ConversationSid}/media-token and Mode=monitor|whisper|barge",
          );
        const input = {
          ...instructedUpdate({
            reservationStatus: p.ReservationStatus,
            instruction: p.Instruction,
            callAccept: p.CallAccept,
            redirectAccept: p.RedirectAccept,
            redirectCallSid: p.RedirectCallSid,
            redirectUrl: p.RedirectUrl,
          }),
          workerActivitySid: p.WorkerActivitySid,
          ifMatch: c.req.header("if-match"),
        };
        const updated = await viaOwner(c, through, (router) =>
          router.updateReservation(c.get("accountSid"), ownerOf(c, through), sid, input),
        );
        return tagged(c, "reservation", updated);
      },
    },
  });
}
