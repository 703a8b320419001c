/**
 * The satisfaction survey end to end, on real Durable Objects: a channel's `csat_enabled` setting (checked),
 * a web chat visitor's answer through `POST …/survey` (once, in range, only their own ended conversation),
 * an SMS customer asked through the Twilio double and answering with a digit that goes to the ended
 * conversation instead of opening one (a second rating, or one after the window, opens a new one), the
 * answer on the conversation's REST record and the profile's conversations, and the `conversation.survey`
 * event at the workspace's EventCallbackUrl and in its Events list (GET …/Events), once.
 */
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { newSid } from "../../contract/ids";
import { webhookPath } from "../../channels/channel-config";
import { messageSid, signedForm, smsForm } from "../support/twilio-forms";
import { conversationFor, directoryFor, routerOf } from "../../platform/objects";
import type { EventRecord } from "../../contract/taskrouter";
import { eventually } from "../support/eventually";
import { conversationTaskEvent, fetchApp, must, newChannel, newWorkspace, ORIGIN, widget } from "./webchat-helpers";

const ACCOUNT = env.ACCOUNT_SID!;
const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const WORKER = "WK" + "a".repeat(32);
const TWILIO_AC = "AC" + "a".repeat(32);
const TWILIO_TOKEN = "twilio-auth-token";
const NUMBER = "+15552224444";
const CARD = "4111 1111 1111 1111";

let ws = "";
let chat = "";
let sms = "";

/** What reached the team's endpoints (bot.example) and the Twilio double. */
let received: { url: string; form: Record<string, string> }[] = [];
beforeAll(async () => {
  ws = await newWorkspace("surveys");
  const set = await fetchApp(`/taskrouter/v1/Workspaces/${ws}`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ EventCallbackUrl: "https://bot.example/events" }),
  });
  if (set.status !== 200) throw new Error(`workspace: ${set.status}`);
  chat = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*", "Settings.csat_enabled": "true" });
  sms = await newChannel(ws, {
    Kind: "twilio",
    "Settings.twilio_account_sid": TWILIO_AC,
    "Settings.phone_number": NUMBER,
    "Settings.api_base_url": "https://twilio.double",
    "Secrets.auth_token": TWILIO_TOKEN,
    "Settings.csat_enabled": "true",
    "Settings.csat_question": "Did Ada help you today?",
  });
}, 30_000);

afterEach(() => vi.restoreAllMocks());

function doubles() {
  received = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (request.url.startsWith("https://twilio.double/")) {
      received.push({ url: request.url, form: Object.fromEntries(new URLSearchParams(await request.text())) });
      return Response.json({ sid: newSid("SM"), status: "queued" }, { status: 201 });
    }
    if (request.url.startsWith("https://bot.example/")) {
      received.push({ url: request.url, form: Object.fromEntries(new URLSearchParams(await request.text())) });
      return new Response(null, { status: 204 });
    }
    return real(input, init);
  });
}

const surveyEvents = (conversationSid: string) =>
  received.filter(
    (r) =>
      r.url === "https://bot.example/events" && r.form.EventType === "conversation.survey" && r.form.ConversationSid === conversationSid,
  );

/** The conversation's `conversation.survey` events in the workspace's Events list, as a REST client reads them. */
async function listedSurveyEvents(conversationSid: string): Promise<EventRecord[]> {
  const res = await fetchApp(`/taskrouter/v1/Workspaces/${ws}/Events?EventType=conversation.survey&PageSize=100`, { headers: AUTH });
  expect(res.status).toBe(200);
  const events = ((await res.json()) as { events: EventRecord[] }).events;
  return events.filter((e) => e.event_data.conversation_sid === conversationSid);
}

const taskEvent = (conversationSid: string, eventType: string) =>
  conversationTaskEvent(ws, conversationSid, eventType, { sid: WORKER, name: "Ada" });

/** An agent took the conversation and completed its task. */
async function served(conversationSid: string) {
  await eventually(
    async () => ((await must(conversationFor(env, conversationSid).getConversation(ACCOUNT))).task_sid ? true : undefined),
    "its task",
  );
  await taskEvent(conversationSid, "reservation.accepted");
  await taskEvent(conversationSid, "task.completed");
}

const restRecord = async (conversationSid: string) =>
  (await (await fetchApp(`/conversations/v1/Conversations/${conversationSid}`, { headers: AUTH })).json()) as Record<string, unknown>;

describe("the channel's setting", () => {
  it.each([
    [{ "Settings.csat_enabled": "yes" }, /Settings\.csat_enabled: must be true or false/],
    [
      { "Settings.csat_enabled": "true", "Settings.csat_question": "x".repeat(301) },
      /Settings\.csat_question: must be at most 300 characters/,
    ],
  ])("%j is a 400 naming it, and no channel is made", async (form, problem) => {
    const res = await fetchApp(`/api/workspaces/${ws}/channels`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ Kind: "webchat", FriendlyName: "refused survey", ...form }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(problem);
    const list = (await (await fetchApp(`/api/workspaces/${ws}/channels`, { headers: AUTH })).json()) as {
      channels: { friendly_name: string }[];
    };
    expect(list.channels.map((c) => c.friendly_name)).not.toContain("refused survey");
  });

  it("is stored as a switch (true), with the question", async () => {
    const res = await fetchApp(`/api/workspaces/${ws}/channels/${sms}`, { headers: AUTH });
    expect(((await res.json()) as { settings: unknown }).settings).toMatchObject({
      csat_enabled: true,
      csat_question: "Did Ada help you today?",
    });
  });
});

describe("web chat", { timeout: 30_000 }, () => {
  /** A visitor of `channelSid` who wrote once: their routes, session and conversation. */
  async function visitorOf(channelSid: string, name?: string) {
    const routes = widget(ws, channelSid);
    const visitor = await routes.session(name ? { name } : {});
    const first = await routes.post("/messages", { client_id: "c-1", body: "Hello?" }, visitor.token);
    return { routes, visitor, conversationSid: first.body.conversation_sid as string };
  }

  it("shows the survey on the ended conversation; the visitor answers once; it is on the REST record and sent as one event", async () => {
    doubles();
    const { routes, visitor, conversationSid } = await visitorOf(chat, "Grace");
    // Before it ended: nothing to answer.
    expect((await routes.post("/survey", { rating: 5 }, visitor.token)).status).toBe(409);
    await served(conversationSid);
    expect((await restRecord(conversationSid)).survey).toMatchObject({ status: "offered", via: "web", question: "How did we do?" });

    for (const [body, problem] of [
      [{ rating: 0 }, /rating/],
      [{ rating: 6 }, /rating/],
      [{ rating: 4.5 }, /rating/],
      [{ rating: "5" }, /rating/],
      [{}, /rating/],
      [{ rating: 5, comment: "x".repeat(1001) }, /comment: must be at most 1000 characters/],
      [{ rating: 5, extra: 1 }, /extra|Unrecognized/],
    ] as const) {
      const bad = await routes.post("/survey", body, visitor.token);
      expect([bad.status, bad.body.message]).toEqual([400, expect.stringMatching(problem)]);
    }
    expect((await restRecord(conversationSid)).survey).toMatchObject({ status: "offered" });
    // Another visitor has no conversation to answer; no session is a 401.
    const stranger = await routes.session();
    expect((await routes.post("/survey", { rating: 1 }, stranger.token)).status).toBe(404);
    expect((await routes.post("/survey", { rating: 1 })).status).toBe(401);

    const answer = await routes.post("/survey", { rating: 4, comment: `refund to ${CARD} please` }, visitor.token);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      conversation_sid: conversationSid,
      survey: { status: "answered", rating: 4, comment: "refund to **** **** **** 1111 please", via: "web" },
    });
    const again = await routes.post("/survey", { rating: 1 }, visitor.token);
    expect([again.status, again.body.message]).toEqual([409, expect.stringMatching(/answered already/)]);
    expect((await restRecord(conversationSid)).survey).toMatchObject({ status: "answered", rating: 4 });

    const events = await eventually(
      () => (surveyEvents(conversationSid).length > 0 ? surveyEvents(conversationSid) : undefined),
      "the event",
    );
    expect(events[0]!.form).toMatchObject({ SurveyRating: "4", SurveyVia: "web", WorkerSid: WORKER, ResourceType: "Conversation" });
    expect(events[0]!.form.SurveyComment).toBe("refund to **** **** **** 1111 please");
    expect(surveyEvents(conversationSid)).toHaveLength(1);
  });

  it("the answer is one Event in the workspace's Events list, however often it is answered or handed over", async () => {
    doubles();
    const { routes, visitor, conversationSid } = await visitorOf(chat, "Hedy");
    await served(conversationSid);
    const taskSid = (await restRecord(conversationSid)).task_sid as string;
    expect(await listedSurveyEvents(conversationSid)).toEqual([]);

    expect((await routes.post("/survey", { rating: 2, comment: `charged twice on ${CARD}` }, visitor.token)).status).toBe(201);
    expect((await routes.post("/survey", { rating: 5 }, visitor.token)).status).toBe(409);
    const stub = conversationFor(env, conversationSid);
    await stub.sendWorkspaceEvents();
    await evictDurableObject(stub);
    await stub.sendWorkspaceEvents();
    const listed = await listedSurveyEvents(conversationSid);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      event_type: "conversation.survey",
      resource_type: "Conversation",
      resource_sid: conversationSid,
      event_data: {
        conversation_sid: conversationSid,
        task_sid: taskSid,
        worker_sid: WORKER,
        survey_rating: 2,
        survey_comment: "charged twice on **** **** **** 1111",
        survey_via: "web",
      },
    });
    expect(JSON.stringify(listed[0])).not.toContain("4111 1111");
    // Filtered by its task as any task's events are.
    const byTask = await fetchApp(`/taskrouter/v1/Workspaces/${ws}/Events?TaskSid=${taskSid}&PageSize=100`, { headers: AUTH });
    expect(((await byTask.json()) as { events: EventRecord[] }).events.map((e) => e.event_type)).toContain("conversation.survey");

    // The outbox's hand-over repeated (its answer lost): the same key records nothing new.
    const answer = {
      key: listed[0]!.sid.slice(2, 26),
      type: "conversation.survey" as const,
      at: Date.now(),
      conversationSid,
      taskSid,
      workerSid: WORKER,
      profileSid: null,
      rating: 2,
      comment: "charged twice on **** **** **** 1111",
      via: "web" as const,
    };
    const again = await routerOf(env, ws, taskSid).recordConversationEvent(ACCOUNT, answer);
    expect(again).toEqual({ ok: true, value: { eventSid: listed[0]!.sid, recorded: false } });
    // A malformed answer is refused by the Router with a 400 naming it, and recorded nowhere.
    const bad = await routerOf(env, ws, taskSid).recordConversationEvent(ACCOUNT, { ...answer, key: "1".repeat(24), rating: 9 });
    expect(bad).toMatchObject({ ok: false, status: 400, message: expect.stringContaining("SurveyRating") });

    expect(await listedSurveyEvents(conversationSid)).toHaveLength(1);
    // And the team's EventCallbackUrl heard of it once, from the same record.
    await eventually(() => (surveyEvents(conversationSid).length > 0 ? true : undefined), "the callback");
    expect(surveyEvents(conversationSid)).toHaveLength(1);
    expect(surveyEvents(conversationSid)[0]!.form.Sid).toBe(listed[0]!.sid);
  });

  it("a channel without the survey offers none: 409", async () => {
    const plain = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" });
    const { routes, visitor, conversationSid } = await visitorOf(plain);
    await served(conversationSid);
    expect((await restRecord(conversationSid)).survey).toBeUndefined();
    const res = await routes.post("/survey", { rating: 5 }, visitor.token);
    expect([res.status, res.body.message]).toEqual([409, expect.stringMatching(/no survey/)]);
  });
});

describe("SMS", { timeout: 30_000 }, () => {
  const url = () => `${ORIGIN}${webhookPath(ws, sms)}`;
  async function text(from: string, body: string, sid = messageSid()) {
    const res = await fetchApp(webhookPath(ws, sms), await signedForm(url(), smsForm(TWILIO_AC, from, NUMBER, body, sid), TWILIO_TOKEN));
    expect(res.status).toBe(200);
    return sid;
  }
  const openOf = async (address: string) => must(directoryFor(env, ws).findOpen(ACCOUNT, sms, address));
  const bodies = async (conversationSid: string) =>
    (await must(conversationFor(env, conversationSid).listMessages(ACCOUNT, { pageSize: 50, page: 0 }, "asc"))).items.map((m) => m.body);

  /** A customer who texted, was served, and was sent the question (through the Twilio double). */
  async function askedCustomer(from: string) {
    doubles();
    await text(from, "my parcel is late");
    const conversationSid = (await openOf(from))!;
    await served(conversationSid);
    await conversationFor(env, conversationSid).deliverPending();
    const question = received.find((r) => r.url.startsWith("https://twilio.double/") && r.form.To === from);
    expect(question?.form.Body).toMatch(/^Did Ada help you today\? Reply with a number from 1 \(poor\) to 5 \(great\)/);
    expect(await openOf(from)).toBeNull(); // closed: the address has no open conversation
    return conversationSid;
  }

  it("a digit reply answers the ended conversation's survey instead of opening one; a retry is stored once; the profile lists the outcome", async () => {
    const from = "+15550101010";
    const conversationSid = await askedCustomer(from);
    const reply = await text(from, "5 thanks, sorted!");
    await text(from, "5 thanks, sorted!", reply); // Twilio's retry of the same webhook
    expect(await openOf(from)).toBeNull();
    expect((await bodies(conversationSid)).slice(-2)).toEqual([expect.stringMatching(/^Did Ada help/), "5 thanks, sorted!"]);
    expect((await restRecord(conversationSid)).survey).toMatchObject({
      status: "answered",
      rating: 5,
      comment: "thanks, sorted!",
      via: "message",
    });

    const profile = await must(directoryFor(env, ws).findProfile(ACCOUNT, { phone: from }));
    const listed = await fetchApp(`/api/workspaces/${ws}/profiles/${profile!.sid}/conversations`, { headers: AUTH });
    const rows = ((await listed.json()) as { conversations: { sid: string; survey: unknown }[] }).conversations;
    expect(rows.find((r) => r.sid === conversationSid)?.survey).toMatchObject({ status: "answered", rating: 5 });

    await eventually(() => (surveyEvents(conversationSid).length > 0 ? true : undefined), "the event");
    expect(surveyEvents(conversationSid)).toHaveLength(1);
    expect(surveyEvents(conversationSid)[0]!.form).toMatchObject({ SurveyRating: "5", SurveyVia: "message", ProfileSid: profile!.sid });
    await conversationFor(env, conversationSid).sendWorkspaceEvents();
    expect((await listedSurveyEvents(conversationSid)).map((e) => e.event_data)).toEqual([
      expect.objectContaining({ survey_rating: 5, survey_comment: "thanks, sorted!", survey_via: "message", profile_sid: profile!.sid }),
    ]);
  });

  it("a second rating, or words, open a new conversation as before", async () => {
    const from = "+15550202020";
    const conversationSid = await askedCustomer(from);
    await text(from, "hello again");
    const next = await openOf(from);
    expect(next).not.toBeNull();
    expect(next).not.toBe(conversationSid);
    expect((await restRecord(conversationSid)).survey).toMatchObject({ status: "offered" });

    const other = "+15550303030";
    const ended = await askedCustomer(other);
    await text(other, "4");
    await text(other, "2 actually");
    const opened = await openOf(other);
    expect(opened).not.toBeNull();
    expect(opened).not.toBe(ended);
    expect(await bodies(opened!)).toEqual(["2 actually"]);
    expect((await restRecord(ended)).survey).toMatchObject({ status: "answered", rating: 4 });
  });

  it("a rating after the 24 h window is a new conversation, and the survey stays unanswered", async () => {
    const from = "+15550404040";
    const conversationSid = await askedCustomer(from);
    // A day has passed: the window, as both objects keep it, is in the past (no clock to move in workerd).
    const past = Date.now() - 1000;
    await runInDurableObject(conversationFor(env, conversationSid), (_instance, state) => {
      const row = state.storage.sql.exec<{ survey: string }>("SELECT survey FROM sb_conversation").one();
      const survey = { ...JSON.parse(row.survey), date_expires: new Date(past).toISOString().replace(/\.\d{3}Z$/, "Z") };
      state.storage.sql.exec("UPDATE sb_conversation SET survey = ?", JSON.stringify(survey));
    });
    await runInDurableObject(directoryFor(env, ws), (_instance, state) => {
      state.storage.sql.exec("UPDATE sb_conversations SET survey_open_until = ? WHERE sid = ?", past, conversationSid);
    });
    await text(from, "5");
    const opened = await openOf(from);
    expect(opened).not.toBeNull();
    expect(opened).not.toBe(conversationSid);
    expect(await bodies(opened!)).toEqual(["5"]);
    expect((await restRecord(conversationSid)).survey).toMatchObject({ status: "offered", rating: null });
  });

  it("the directory still routing a rating there after its window (the objects disagree a moment) opens a new conversation too", async () => {
    const from = "+15550505050";
    const conversationSid = await askedCustomer(from);
    await runInDurableObject(conversationFor(env, conversationSid), (_instance, state) => {
      const row = state.storage.sql.exec<{ survey: string }>("SELECT survey FROM sb_conversation").one();
      state.storage.sql.exec(
        "UPDATE sb_conversation SET survey = ?",
        JSON.stringify({ ...JSON.parse(row.survey), date_expires: "2000-01-01T00:00:00Z" }),
      );
    });
    await text(from, "3");
    const opened = await openOf(from);
    expect(opened).not.toBe(conversationSid);
    expect(await bodies(opened!)).toEqual(["3"]);
  });
});
