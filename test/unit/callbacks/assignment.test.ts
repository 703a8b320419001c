// Assignment callbacks: the parameters sent and the instructions read back.
import { describe, expect, it } from "vitest";
import type { TaskRecord, WorkerRecord } from "../../../contract/taskrouter";
import { assignmentCallbackParams, parseAssignmentAnswer } from "../../../callbacks/assignment";

const AC = "AC" + "a".repeat(32);
const WS = "WS" + "b".repeat(32);
const WT = "WT" + "c".repeat(32);
const WK = "WK" + "d".repeat(32);
const WR = "WR" + "e".repeat(32);
const WW = "WW" + "f".repeat(32);
const WQ = "WQ" + "1".repeat(32);
const WA = "WA" + "3".repeat(32);

const task = {
  account_sid: AC,
  workspace_sid: WS,
  sid: WT,
  attributes: '{"type":"support"}',
  assignment_status: "reserved",
  priority: 5,
  age: 17,
  task_queue_sid: WQ,
  workflow_sid: WW,
} as TaskRecord;
const worker = { account_sid: AC, workspace_sid: WS, sid: WK, attributes: '{"skills":["support"]}' } as WorkerRecord;

describe("assignmentCallbackParams", () => {
  it("sends Twilio's twelve parameters, Timestamp in seconds", () => {
    expect(assignmentCallbackParams({ task, worker, workflowSid: WW, reservationSid: WR, nowMs: 1_700_000_000_999 })).toEqual({
      AccountSid: AC,
      WorkspaceSid: WS,
      WorkflowSid: WW,
      TaskQueueSid: WQ,
      WorkerSid: WK,
      WorkerAttributes: '{"skills":["support"]}',
      TaskSid: WT,
      TaskAttributes: '{"type":"support"}',
      TaskAge: "17",
      TaskPriority: "5",
      ReservationSid: WR,
      // floor(1_700_000_000_999 / 1000)
      Timestamp: "1700000000",
    });
  });

  it("leaves TaskQueueSid out for a task in no queue", () => {
    const params = assignmentCallbackParams({
      task: { ...task, task_queue_sid: null },
      worker,
      workflowSid: WW,
      reservationSid: WR,
      nowMs: 0,
    });
    expect(params).not.toHaveProperty("TaskQueueSid");
  });
});

describe("parseAssignmentAnswer", () => {
  it.each([
    { body: "", expected: { kind: "none" } },
    { body: "  \n", expected: { kind: "none" } },
    { body: '{"instruction":"accept"}', expected: { kind: "instruction", instruction: { instruction: "accept" } } },
    { body: '{"instruction":"reject"}', expected: { kind: "instruction", instruction: { instruction: "reject" } } },
    {
      body: `{"instruction":"reject","activity_sid":"${WA}"}`,
      expected: { kind: "instruction", instruction: { instruction: "reject", activity_sid: WA } },
    },
    {
      body: `{"instruction":"dequeue","from":"+15005550006","post_work_activity_sid":"${WA}","timeout":30}`,
      expected: {
        kind: "instruction",
        instruction: { instruction: "dequeue", from: "+15005550006", post_work_activity_sid: WA, timeout: 30 },
      },
    },
    {
      body: '{"instruction":"call","url":"https://example.com/twiml","from":"+15005550006","accept":"true"}',
      expected: {
        kind: "instruction",
        instruction: { instruction: "call", url: "https://example.com/twiml", from: "+15005550006", accept: true },
      },
    },
    {
      body: '{"instruction":"redirect","call_sid":"CA123","url":"https://example.com/twiml","accept":true,"extra":"dropped"}',
      expected: {
        kind: "instruction",
        instruction: { instruction: "redirect", call_sid: "CA123", url: "https://example.com/twiml", accept: true },
      },
    },
  ])("$body", ({ body, expected }) => {
    expect(parseAssignmentAnswer(body)).toEqual(expected);
  });

  it.each([
    { body: "OK", problem: "the answer is not JSON" },
    { body: "<Response/>", problem: "the answer is not JSON" },
    { body: '"accept"', problem: "the answer: Invalid input: expected object, received string" },
    { body: "{}", problem: "instruction must be one of accept, reject, dequeue, call, redirect" },
    { body: '{"instruction":"Accept"}', problem: "instruction must be one of accept, reject, dequeue, call, redirect" },
    { body: '{"instruction":"reject","activity_sid":"offline"}', problem: "activity_sid: must be an Activity SID (WA…)" },
    { body: '{"instruction":"dequeue"}', problem: "from: Invalid input: expected string, received undefined" },
    { body: '{"instruction":"redirect","call_sid":"CA1","url":"ftp://example.com/x"}', problem: "url: Invalid URL" },
  ])("$body is invalid: $problem", ({ body, problem }) => {
    expect(parseAssignmentAnswer(body)).toEqual({ kind: "invalid", problem });
  });
});
