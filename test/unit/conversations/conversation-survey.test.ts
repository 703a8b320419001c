// The satisfaction survey at the end of a conversation, on node:sqlite: which replies are ratings, which
// channels offer it, the moment it is offered (the task completed after an agent had it), the question
// queued for delivery on a messaging channel, and the answer — by reply or through web chat — taken
// once, within its window, with card numbers masked and one `conversation.survey` event.
import { describe, expect, it } from "vitest";
import { fail, ok, type ApiResult } from "../../../durable-objects/common/rpc";
import type { ConversationTaskEvent } from "../../../durable-objects/common/conversations";
import { DEFAULT_SURVEY_QUESTION, SURVEY_WINDOW_MS, surveyQuestion, surveyReply } from "../../../durable-objects/common/survey";
import { receive } from "../../../durable-objects/conversation/lifecycle/inbound";
import { createPendingTask, onTaskEvent, type TaskPort } from "../../../durable-objects/conversation/lifecycle/tasks";
import { answerSurvey } from "../../../durable-objects/conversation/lifecycle/survey";
import { indexEntry } from "../../../durable-objects/conversation/lifecycle/conversation";
import { conversationRecord, conversationRow } from "../../../durable-objects/conversation/store/conversation-rows";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import type { Op } from "../../../durable-objects/conversation/lifecycle/conversation-operation";
import { WORKSPACE_EVENTS_TOPIC, type WorkspaceEventMessage } from "../../../durable-objects/conversation/lifecycle/workspace-events";
import { unsent } from "../../../durable-objects/kit/outbox";
import { ACCOUNT, CARD, WORKFLOW, at, context, inbound, migratedHost } from "./conversation-fixtures";

const ANN = "WK" + "a".repeat(32);
const VISITOR = "visitor-1";

describe("surveyReply: what of a customer's message is an answer", () => {
  it.each([
    ["5", { rating: 5, comment: null }],
    ["  4 ", { rating: 4, comment: null }],
    ["5 great help", { rating: 5, comment: "great help" }],
    ["3. slow to answer", { rating: 3, comment: "slow to answer" }],
    ["2 - ok I guess", { rating: 2, comment: "ok I guess" }],
    ["1!", { rating: 1, comment: null }],
    ["4\nthanks", { rating: 4, comment: "thanks" }],
  ])("%j → %j", (body, answer) => expect(surveyReply(body)).toEqual(answer));

  it.each([["0"], ["6"], ["10 items"], ["3rd order please"], ["hello"], [""], ["five"], ["4.5"], ["1x"]])("%j is no answer", (body) =>
    expect(surveyReply(body)).toBeNull(),
  );

  it("is null for a message without text", () => expect(surveyReply(null)).toBeNull());
});

describe("surveyQuestion: a channel's setting", () => {
  it.each([
    [{}, null],
    [{ csat_enabled: false, csat_question: "Did we help?" }, null],
    [{ csat_enabled: "false" }, null],
    [{ csat_enabled: true }, DEFAULT_SURVEY_QUESTION],
    [{ csat_enabled: "true", csat_question: "  " }, DEFAULT_SURVEY_QUESTION],
    [{ csat_enabled: true, csat_question: "Did we help?" }, "Did we help?"],
  ])("%j → %j", (settings, question) => expect(surveyQuestion(settings)).toBe(question));
});

/** The events waiting in the outbox for the Router (workspace-events.ts). */
const outboxEvents = (host: StoreHost) =>
  unsent(host, WORKSPACE_EVENTS_TOPIC, 100).map((row) => (JSON.parse(row.body) as WorkspaceEventMessage).event);

const port: TaskPort = {
  oldestWorkflow: async () => WORKFLOW,
  createTask: async () => ok({ taskSid: "WT" + "1".repeat(32) }),
  wrapTask: async () => ok(null),
  cancelTask: async () => ok(null),
};

let events = 0;
const taskEvent = (eventType: string, workerSid: string | null = ANN): ConversationTaskEvent => ({
  eventSid: `EV${++events}`,
  eventType,
  workspaceSid: "WS",
  taskSid: "WT" + "1".repeat(32),
  conversationSid: "CH",
  workerSid,
  workerName: "Ann",
  reservationSid: "WR1",
  at: 1,
});

/** Runs one operation in a transaction, as the shell does (a failure rolls it back); answers it and its effects. */
function run<T>(host: StoreHost, now: number, fn: (op: Op) => ApiResult<T>): { result: ApiResult<T>; op: Op } {
  const op = at(host, now);
  let result: ApiResult<T> = fail(500, 20500, "not run");
  try {
    host.transactionSync(() => {
      result = fn(op);
      if (!result.ok) throw new Error("rollback");
    });
  } catch (error) {
    if (!(error instanceof Error) || error.message !== "rollback") throw error;
  }
  return { result, op };
}

/** A conversation opened on a channel asking `question`, handled by Ann; `end` its task's last event at 10 s. */
async function handled(options: { question?: string | null; web?: boolean; end?: string } = {}) {
  const host = migratedHost();
  const web = options.web ?? false;
  const message = web ? inbound("w1", "hi", { channel: "web", customerAddress: VISITOR, proxyAddress: "XC" }) : inbound("SM1");
  run(host, 1_000, (op) =>
    receive(op, ACCOUNT, context({ surveyQuestion: options.question === undefined ? "How did we do?" : options.question }), message),
  );
  await createPendingTask(host, port, () => 2_000);
  run(host, 3_000, (op) => onTaskEvent(op, ACCOUNT, taskEvent("reservation.accepted")));
  run(host, 4_000, (op) => onTaskEvent(op, ACCOUNT, taskEvent("task.wrapup")));
  const ended = run(host, 10_000, (op) => onTaskEvent(op, ACCOUNT, taskEvent(options.end ?? "task.completed")));
  return { host, ended: ended.op };
}

const lastMessage = (host: StoreHost) =>
  host.sql.exec("SELECT author, body, attributes, delivery_status FROM sb_messages ORDER BY idx DESC LIMIT 1").toArray()[0]!;
const record = (host: StoreHost) => conversationRecord(conversationRow(host)!);

describe("offering the survey", () => {
  it("on a messaging channel: when the task completes, the question is queued to the customer and the closed record carries it", async () => {
    const { host, ended } = await handled();
    expect(record(host).state).toBe("closed");
    expect(record(host).survey).toEqual({
      status: "offered",
      question: "How did we do?",
      via: "message",
      rating: null,
      comment: null,
      date_offered: "1970-01-01T00:00:10Z",
      date_expires: "1970-01-02T00:00:10Z", // 24 h later
      date_answered: null,
    });
    expect(lastMessage(host)).toMatchObject({
      author: "system",
      body: expect.stringMatching(/^How did we do\? Reply with a number from 1 \(poor\) to 5 \(great\)/),
      attributes: '{"survey":"question"}',
      delivery_status: "queued",
    });
    expect(ended.effects.deliver).toBe(true);
    // The socket's last word is the closed conversation with its survey; the directory hears of it.
    const frames = ended.effects.frames.filter((f) => f.type === "conversation.updated");
    expect(frames.at(-1)).toMatchObject({ conversation: { state: "closed", survey: { status: "offered" } } });
    expect(indexEntry(ended, conversationRow(host)!)).toMatchObject({
      survey: { status: "offered" },
      surveyOpenUntil: 10_000 + SURVEY_WINDOW_MS,
    });
  });

  it("on web chat: on the record only (the widget asks), no message, and the directory routes no reply to it", async () => {
    const { host, ended } = await handled({ web: true });
    expect(record(host).survey).toMatchObject({ status: "offered", via: "web" });
    expect(lastMessage(host).body).toBe("hi");
    expect(indexEntry(ended, conversationRow(host)!).surveyOpenUntil).toBeNull();
  });

  it.each([
    ["a channel without the survey", { question: null }],
    ["a canceled task (nobody served it)", { end: "task.canceled" }],
    ["a deleted task", { end: "task.deleted" }],
  ])("not for %s", async (_what, options) => {
    const { host } = await handled(options);
    expect(record(host).state).toBe("closed");
    expect(record(host).survey).toBeUndefined();
    expect(lastMessage(host).body).not.toMatch(/How did we do/);
  });

  it("once: a second completion event changes nothing", async () => {
    const { host } = await handled();
    const before = host.sql.exec("SELECT COUNT(*) AS n FROM sb_messages").toArray()[0]!.n;
    run(host, 11_000, (op) => onTaskEvent(op, ACCOUNT, taskEvent("task.completed")));
    expect(host.sql.exec("SELECT COUNT(*) AS n FROM sb_messages").toArray()[0]!.n).toBe(before);
    expect(record(host).survey?.date_offered).toBe("1970-01-01T00:00:10Z");
  });
});

describe("answering by a reply on the messaging channel", () => {
  const reply = (host: StoreHost, now: number, id: string, body: string) =>
    run(host, now, (op) => receive(op, ACCOUNT, context({ surveyAnswer: surveyReply(body)! }), inbound(id, body, { sentAt: now })));

  it("records the rating and comment (card numbers masked), keeps the reply in the transcript, and makes one event", async () => {
    const { host } = await handled();
    const { result, op } = reply(host, 20_000, "SM2", `4 card ${CARD} was charged twice`);
    expect(result.ok).toBe(true);
    expect(record(host).survey).toMatchObject({
      status: "answered",
      rating: 4,
      comment: "card **** **** **** 1111 was charged twice",
      date_answered: "1970-01-01T00:00:20Z",
    });
    expect(lastMessage(host)).toMatchObject({ author: "+15550001111", attributes: '{"survey":"answer"}', delivery_status: null });
    expect(op.effects.workspaceEvents).toBe(true);
    expect(outboxEvents(host)).toEqual([
      {
        key: expect.stringMatching(/^[0-9a-f]{24}$/),
        type: "conversation.survey",
        at: 20_000,
        conversationSid: record(host).sid,
        taskSid: record(host).task_sid,
        workerSid: ANN,
        profileSid: conversationRow(host)!.profile_sid,
        rating: 4,
        comment: "card **** **** **** 1111 was charged twice",
        via: "message",
      },
    ]);
    expect(op.effects.frames.at(-1)).toMatchObject({ type: "conversation.updated", conversation: { survey: { rating: 4 } } });
  });

  it("a provider's retry of the same reply is a duplicate: nothing changes, no second event", async () => {
    const { host } = await handled();
    reply(host, 20_000, "SM2", "5");
    const again = reply(host, 21_000, "SM2", "5");
    expect(again.result).toMatchObject({ ok: true, value: { duplicate: true } });
    expect(again.op.effects.workspaceEvents).toBe(false);
    expect(outboxEvents(host)).toHaveLength(1);
  });

  it("a second rating is refused (409), so the caller opens a new conversation with it; the first answer stays", async () => {
    const { host } = await handled();
    reply(host, 20_000, "SM2", "5");
    const second = reply(host, 30_000, "SM3", "1 actually");
    expect(second.result).toMatchObject({ ok: false, status: 409, message: expect.stringMatching(/answered already/) });
    expect(record(host).survey).toMatchObject({ rating: 5, comment: null });
  });

  it("after the window it is refused (409) and nothing is stored", async () => {
    const { host } = await handled();
    const late = reply(host, 10_000 + SURVEY_WINDOW_MS + 1, "SM2", "5");
    expect(late.result).toMatchObject({ ok: false, status: 409, message: expect.stringMatching(/took answers until/) });
    expect(record(host).survey?.status).toBe("offered");
    expect(lastMessage(host).author).toBe("system");
  });

  it("a message that is not routed as an answer still finds the closed conversation closed (409)", async () => {
    const { host } = await handled();
    const plain = run(host, 20_000, (op) => receive(op, ACCOUNT, context(), inbound("SM2", "5")));
    expect(plain.result).toMatchObject({ ok: false, status: 409 });
  });
});

describe("answering through web chat", () => {
  const answer = (host: StoreHost, now: number, rating: unknown, comment: unknown = null, who = VISITOR) =>
    run(host, now, (op) => answerSurvey(op, ACCOUNT, who, rating, comment));

  it("records the answer once; a second is 409 and changes nothing", async () => {
    const { host } = await handled({ web: true });
    const first = answer(host, 20_000, 5, "  quick and kind ");
    expect(first.result).toMatchObject({ ok: true, value: { status: "answered", rating: 5, comment: "quick and kind", via: "web" } });
    expect(outboxEvents(host)).toMatchObject([{ type: "conversation.survey", rating: 5, comment: "quick and kind", via: "web" }]);
    const second = answer(host, 21_000, 1);
    expect(second.result).toMatchObject({ ok: false, status: 409 });
    expect(outboxEvents(host)).toHaveLength(1);
    expect(record(host).survey).toMatchObject({ rating: 5, comment: "quick and kind" });
  });

  it.each([
    [0, null, /rating: must be a whole number from 1 to 5/],
    [6, null, /rating/],
    [4.5, null, /rating/],
    ["5", null, /rating/],
    [5, 7, /comment: must be a string/],
    [5, "x".repeat(1001), /comment: must be at most 1000 characters/],
  ])("rating %j, comment %j: 400, nothing stored", async (rating, comment, problem) => {
    const { host } = await handled({ web: true });
    expect(answer(host, 20_000, rating, comment).result).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(problem) });
    expect(record(host).survey?.status).toBe("offered");
  });

  it("another visitor's answer is a 404: only the customer of the conversation answers", async () => {
    const { host } = await handled({ web: true });
    expect(answer(host, 20_000, 5, null, "visitor-2").result).toMatchObject({ ok: false, status: 404 });
  });

  it("before the conversation ended, or when none was offered: 409", async () => {
    const open = migratedHost();
    run(open, 1_000, (op) =>
      receive(op, ACCOUNT, context({ surveyQuestion: "Q?" }), inbound("w1", "hi", { channel: "web", customerAddress: VISITOR })),
    );
    expect(answer(open, 2_000, 5).result).toMatchObject({ ok: false, status: 409, message: expect.stringMatching(/not ended/) });
    const { host } = await handled({ web: true, question: null });
    expect(answer(host, 20_000, 5).result).toMatchObject({ ok: false, status: 409, message: expect.stringMatching(/no survey/) });
  });

  it("after the window: 409", async () => {
    const { host } = await handled({ web: true });
    expect(answer(host, 10_000 + SURVEY_WINDOW_MS + 1, 5).result).toMatchObject({ ok: false, status: 409 });
  });
});
