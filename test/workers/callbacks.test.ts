// The callbacks consumer inside workerd: real queue batches, globalThis.fetch replaced by a recorder,
// and the Workspace and Router DOs stubbed behind the RPCs the consumer declares (messages.ts).
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ApiResult, fail, notFound, ok } from "../../durable-objects/common/rpc";
import type { EventRecord, TaskRecord, WorkerRecord } from "../../contract/taskrouter";
import { callbackDepsFromEnv } from "../../workers/queue/bindings";
import { consumeCallbacks, type CallbackDeps, type RouterCallbackRpc } from "../../workers/queue/consumer";
import type { AssignmentMessage, ConversationWebhookMessage, EventMessage } from "../../platform/events-queue";
import type { CallbackSettings } from "../../callbacks/policy";

const AC = "AC" + "5".repeat(32);
const WS = "WS" + "a".repeat(32);
const WS_GONE = "WS" + "0".repeat(32);
const WW = "WW" + "b".repeat(32);
const WT = "WT" + "c".repeat(32);
const WK = "WK" + "d".repeat(32);
const WR = "WR" + "e".repeat(32);
const WQ = "WQ" + "f".repeat(32);
const WA = "WA" + "1".repeat(32);

const EVENTS_URL = "https://hooks.example.com/taskrouter/events?tenant=acme";
const ASSIGN_URL = "https://app.example.com/assign";
const FALLBACK_URL = "https://backup.example.com/assign";
const NOW = 1_700_000_000_000;

// ---- what the stubbed Durable Objects answer -------------------------------------------------

let settings: Record<string, CallbackSettings>;
let settingsCalls: string[];
let router: { [K in keyof RouterCallbackRpc]: ReturnType<typeof vi.fn<RouterCallbackRpc[K]>> };
type LogLine = (line: string) => void;
let log: { info: ReturnType<typeof vi.fn<LogLine>>; warn: ReturnType<typeof vi.fn<LogLine>>; error: ReturnType<typeof vi.fn<LogLine>> };

const task = {
  account_sid: AC,
  workspace_sid: WS,
  sid: WT,
  attributes: '{"type":"support"}',
  priority: 3,
  age: 9,
  task_queue_sid: WQ,
} as TaskRecord;
const worker = { account_sid: AC, workspace_sid: WS, sid: WK, attributes: '{"skills":["support"]}' } as WorkerRecord;

beforeEach(() => {
  settings = {
    [WS]: {
      workspaceName: "Acme support",
      eventCallbackUrl: EVENTS_URL,
      eventsFilter: null,
      workflow: { assignmentCallbackUrl: ASSIGN_URL, fallbackAssignmentCallbackUrl: FALLBACK_URL },
    },
  };
  settingsCalls = [];
  router = {
    getTask: vi.fn(async (): Promise<ApiResult<{ readonly task: TaskRecord }>> => ok({ task })),
    getWorker: vi.fn(async (): Promise<ApiResult<{ readonly worker: WorkerRecord }>> => ok({ worker })),
    applyAssignmentInstruction: vi.fn(async (): Promise<ApiResult<unknown>> => ok({})),
  };
  log = { info: vi.fn<LogLine>(), warn: vi.fn<LogLine>(), error: vi.fn<LogLine>() };
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The real bindings (AUTH_TOKEN, global fetch), with the Durable Objects, clock and log stubbed. */
function deps(overrides: Partial<CallbackDeps> = {}): CallbackDeps {
  return {
    ...callbackDepsFromEnv(env),
    workspace: () => ({
      async callbackSettings(workspaceSid: string, workflowSid?: string): Promise<ApiResult<CallbackSettings>> {
        settingsCalls.push(`${workspaceSid}/${workflowSid ?? ""}`);
        const found = settings[workspaceSid];
        if (found === undefined) return notFound("Workspace", workspaceSid);
        return ok(workflowSid === undefined ? { ...found, workflow: null } : found);
      },
    }),
    router: () => router,
    now: () => NOW,
    log,
    ...overrides,
  };
}

// ---- the recorder standing in for the customer's endpoints -----------------------------------

interface Received {
  url: string;
  headers: Headers;
  form: Record<string, string>;
}

/** Replaces globalThis.fetch; `answer` decides each response from the request it received. */
function endpoints(answer: (received: Received) => Response | Promise<Response>): Received[] {
  const received: Received[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const got = {
      url: request.url,
      headers: request.headers,
      form: Object.fromEntries(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()))),
    };
    received.push(got);
    return answer(got);
  });
  return received;
}

/** Twilio's algorithm written out independently of callbacks/signature.ts. */
async function expectedSignature(url: string, form: Record<string, string>): Promise<string> {
  const data = Object.keys(form)
    .sort()
    .reduce((acc, name) => acc + name + form[name], url);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(env.AUTH_TOKEN!), { name: "HMAC", hash: "SHA-1" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)));
  return btoa(String.fromCharCode(...mac));
}

// ---- messages ----------------------------------------------------------------------------------

function eventMessage(sid: string, event_type = "task.created", workspaceSid = WS): EventMessage {
  const event: EventRecord = {
    account_sid: AC,
    workspace_sid: workspaceSid,
    sid,
    event_type,
    event_date: "2023-11-14T22:13:20Z",
    event_date_ms: NOW,
    description: "Task created",
    resource_type: "task",
    resource_sid: WT,
    resource_url: `Tasks/${WT}`,
    actor_type: "workspace",
    actor_sid: workspaceSid,
    actor_url: "",
    event_data: { task_sid: WT, task_priority: 3 },
    source: "twilio",
    source_ip_address: "127.0.0.1",
  };
  return { kind: "event", workspaceSid, event };
}
const EV1 = "EV" + "1".repeat(32);
const EV2 = "EV" + "2".repeat(32);
const EV3 = "EV" + "3".repeat(32);

const assignment = (overrides: Partial<AssignmentMessage> = {}): AssignmentMessage => ({
  kind: "assignment",
  workspaceSid: WS,
  regionId: "us-east",
  accountSid: AC,
  workflowSid: WW,
  reservationSid: WR,
  taskSid: WT,
  workerSid: WK,
  ...overrides,
});

async function consume(bodies: unknown[], options: { attempts?: number; deps?: Partial<CallbackDeps> } = {}) {
  const batch = createMessageBatch(
    "switchboard-events",
    bodies.map((body, i) => ({ id: `m${i + 1}`, timestamp: new Date(NOW), attempts: options.attempts ?? 1, body })),
  );
  // getQueueResult records which messages were retried but not the delay asked for, so spy on retry().
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    vi.spyOn(message, "retry").mockImplementation((retryOptions) => {
      delays.set(message.id, retryOptions?.delaySeconds);
      retry(retryOptions);
    });
  }
  const ctx = createExecutionContext();
  await consumeCallbacks(batch, deps(options.deps));
  const result = await getQueueResult(batch, ctx);
  return { ...result, retryMessages: result.retryMessages.map(({ msgId }) => ({ msgId, delaySeconds: delays.get(msgId) })) };
}

const ACKED_ALL = { outcome: "ok", ackAll: true, explicitAcks: [], retryMessages: [] };

// ---- event callbacks ---------------------------------------------------------------------------

describe("event callbacks", () => {
  it("POSTs Twilio's parameters to the EventCallbackUrl, signed with AUTH_TOKEN, and acknowledges on 204", async () => {
    const received = endpoints(() => new Response(null, { status: 204 }));
    expect(await consume([eventMessage(EV1)])).toMatchObject(ACKED_ALL);

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.url).toBe(EVENTS_URL);
    expect(request!.headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
    expect(request!.headers.get("I-Twilio-Idempotency-Token")).toBe(EV1);
    expect(request!.form).toEqual({
      Sid: EV1,
      EventType: "task.created",
      AccountSid: AC,
      WorkspaceSid: WS,
      WorkspaceName: "Acme support",
      EventDescription: "Task created",
      ResourceType: "task",
      ResourceSid: WT,
      Timestamp: "1700000000",
      TimestampMs: "1700000000000",
      TaskSid: WT,
      TaskPriority: "3",
    });
    expect(request!.headers.get("X-Twilio-Signature")).toBe(await expectedSignature(EVENTS_URL, request!.form));
  });

  it("sends only the types the EventsFilter names, and nothing without an EventCallbackUrl", async () => {
    const received = endpoints(() => new Response(null, { status: 204 }));
    settings[WS] = { ...settings[WS]!, eventsFilter: "task.canceled, reservation.created" };
    expect(await consume([eventMessage(EV1, "task.created"), eventMessage(EV2, "reservation.created")])).toMatchObject(ACKED_ALL);
    expect(received.map((r) => r.form.EventType)).toEqual(["reservation.created"]);

    settings[WS] = { ...settings[WS]!, eventCallbackUrl: null };
    expect(await consume([eventMessage(EV3, "reservation.created")])).toMatchObject(ACKED_ALL);
    expect(received).toHaveLength(1);
  });

  it("asks the Workspace DO once per workspace in a batch", async () => {
    endpoints(() => new Response(null, { status: 200 }));
    await consume([eventMessage(EV1), eventMessage(EV2), eventMessage(EV3)]);
    expect(settingsCalls).toEqual([`${WS}/`]);
  });

  it.each([
    // retryDelaySeconds: 2 ** attempts
    { attempts: 1, delaySeconds: 2 },
    { attempts: 3, delaySeconds: 8 },
    { attempts: 7, delaySeconds: 128 },
  ])("retries a failed delivery (attempt $attempts) after $delaySeconds s", async ({ attempts, delaySeconds }) => {
    endpoints(() => new Response("down", { status: 503 }));
    const result = await consume([eventMessage(EV1)], { attempts });
    expect(result).toMatchObject({ ackAll: false, explicitAcks: [], retryMessages: [{ msgId: "m1", delaySeconds }] });
    expect(log.warn).toHaveBeenCalledWith(
      expect.stringContaining(`answered HTTP 503; retrying in ${delaySeconds} s (attempt ${attempts} of 8)`),
    );
  });

  it("gives up after the eighth attempt with an error log that names no secret", async () => {
    const received = endpoints(() => new Response(null, { status: 500 }));
    expect(await consume([eventMessage(EV1)], { attempts: 8 })).toMatchObject(ACKED_ALL);
    const logged = JSON.stringify([log.info.mock.calls, log.warn.mock.calls, log.error.mock.calls]);
    expect(log.error).toHaveBeenCalledWith(
      `callbacks: event ${EV1} (task.created) to hooks.example.com: answered HTTP 500; giving up after attempt 8 of 8`,
    );
    expect(logged).not.toContain(env.AUTH_TOKEN!);
    expect(logged).not.toContain(received[0]!.headers.get("X-Twilio-Signature")!);
    expect(logged).not.toContain("tenant=acme");
  });

  it("settles each message of a mixed batch on its own", async () => {
    endpoints((r) => new Response(null, { status: r.form.Sid === EV2 ? 500 : 204 }));
    const result = await consume([eventMessage(EV1), eventMessage(EV2), eventMessage(EV3)], { attempts: 2 });
    expect(result).toMatchObject({ ackAll: false, explicitAcks: ["m1", "m3"], retryMessages: [{ msgId: "m2", delaySeconds: 4 }] });
  });

  it("retries an endpoint that does not answer within the timeout", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(
      (_input, init) => new Promise((_, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason))),
    );
    const result = await consume([eventMessage(EV1)], { deps: { timeoutMs: 25 } });
    expect(result.retryMessages).toEqual([{ msgId: "m1", delaySeconds: 2 }]);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining("no answer within 25 ms"));
  });

  it("acknowledges without sending: a workspace that is gone, a message that is not a callback, an event of another workspace", async () => {
    const received = endpoints(() => new Response(null, { status: 204 }));
    const foreign = eventMessage(EV2);
    const result = await consume([
      eventMessage(EV1, "task.created", WS_GONE),
      { type: "test.event" },
      { ...foreign, event: { ...foreign.event, workspace_sid: WS_GONE } },
    ]);
    expect(result).toMatchObject(ACKED_ALL);
    expect(received).toEqual([]);
    expect(log.info).toHaveBeenCalledWith(expect.stringContaining(`The requested resource Workspace ${WS_GONE} was not found`));
    expect(log.warn).toHaveBeenCalledWith("callbacks: message m2 is not a callback message; acknowledged without delivery");
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining(`belongs to ${WS_GONE}, not ${WS}; dropped`));
  });

  it("retries when the Workspace DO cannot be reached, or when AUTH_TOKEN is missing", async () => {
    endpoints(() => new Response(null, { status: 204 }));
    const unreachable = await consume([eventMessage(EV1)], {
      deps: { workspace: () => ({ callbackSettings: () => Promise.reject(new Error("Durable Object reset")) }) },
    });
    expect(unreachable.retryMessages).toEqual([{ msgId: "m1", delaySeconds: 2 }]);

    const unsigned = await consume([eventMessage(EV1)], { deps: { authToken: undefined } });
    expect(unsigned.retryMessages).toEqual([{ msgId: "m1", delaySeconds: 2 }]);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining("AUTH_TOKEN is not set"));
  });
});

// ---- assignment callbacks ----------------------------------------------------------------------

describe("assignment callbacks", () => {
  it("POSTs Twilio's twelve parameters, signed, and applies the accept instruction it answers", async () => {
    const received = endpoints(() => Response.json({ instruction: "accept" }));
    expect(await consume([assignment()])).toMatchObject(ACKED_ALL);

    const [request] = received;
    expect(request!.url).toBe(ASSIGN_URL);
    expect(request!.headers.get("I-Twilio-Idempotency-Token")).toBe(WR);
    expect(request!.form).toEqual({
      AccountSid: AC,
      WorkspaceSid: WS,
      WorkflowSid: WW,
      TaskQueueSid: WQ,
      WorkerSid: WK,
      WorkerAttributes: '{"skills":["support"]}',
      TaskSid: WT,
      TaskAttributes: '{"type":"support"}',
      TaskAge: "9",
      TaskPriority: "3",
      ReservationSid: WR,
      Timestamp: "1700000000",
    });
    expect(request!.headers.get("X-Twilio-Signature")).toBe(await expectedSignature(ASSIGN_URL, request!.form));
    expect(settingsCalls).toEqual([`${WS}/${WW}`]);
    expect(router.getTask).toHaveBeenCalledWith(AC, WT);
    expect(router.getWorker).toHaveBeenCalledWith(AC, WK);
    expect(router.applyAssignmentInstruction).toHaveBeenCalledWith(AC, WR, { instruction: "accept" });
  });

  it("passes a reject with its activity to the Router DO", async () => {
    endpoints(() => Response.json({ instruction: "reject", activity_sid: WA }));
    await consume([assignment()]);
    expect(router.applyAssignmentInstruction).toHaveBeenCalledWith(AC, WR, { instruction: "reject", activity_sid: WA });
  });

  it.each([
    { name: "an empty 200", answer: () => new Response(""), warning: null },
    { name: "a 204", answer: () => new Response(null, { status: 204 }), warning: null },
    {
      name: "text that is not an instruction",
      answer: () => new Response("OK"),
      warning: "the answer was ignored: the answer is not JSON",
    },
    {
      name: "an unknown instruction",
      answer: () => Response.json({ instruction: "hold" }),
      warning: "instruction must be one of accept, reject, dequeue, call, redirect",
    },
  ])("acknowledges $name without acting on the reservation", async ({ answer, warning }) => {
    endpoints(answer);
    expect(await consume([assignment()])).toMatchObject(ACKED_ALL);
    expect(router.applyAssignmentInstruction).not.toHaveBeenCalled();
    if (warning) expect(log.warn).toHaveBeenCalledWith(expect.stringContaining(warning));
    else expect(log.warn).not.toHaveBeenCalled();
  });

  it("tries the FallbackAssignmentCallbackUrl once when the primary fails, and applies its instruction", async () => {
    const received = endpoints((r) =>
      r.url === ASSIGN_URL ? new Response(null, { status: 502 }) : Response.json({ instruction: "accept" }),
    );
    expect(await consume([assignment()])).toMatchObject(ACKED_ALL);
    expect(received.map((r) => r.url)).toEqual([ASSIGN_URL, FALLBACK_URL]);
    expect(received[1]!.headers.get("X-Twilio-Signature")).toBe(await expectedSignature(FALLBACK_URL, received[1]!.form));
    expect(router.applyAssignmentInstruction).toHaveBeenCalledWith(AC, WR, { instruction: "accept" });
  });

  it("retries later when the primary and the fallback both fail, and when there is no fallback", async () => {
    const received = endpoints(() => Promise.reject(new TypeError("connection refused")));
    const both = await consume([assignment()]);
    expect(both.retryMessages).toEqual([{ msgId: "m1", delaySeconds: 2 }]);
    expect(received.map((r) => r.url)).toEqual([ASSIGN_URL, FALLBACK_URL]);

    settings[WS] = { ...settings[WS]!, workflow: { assignmentCallbackUrl: ASSIGN_URL, fallbackAssignmentCallbackUrl: null } };
    const primaryOnly = await consume([assignment()], { attempts: 2 });
    expect(primaryOnly.retryMessages).toEqual([{ msgId: "m1", delaySeconds: 4 }]);
    expect(received.map((r) => r.url)).toEqual([ASSIGN_URL, FALLBACK_URL, ASSIGN_URL]);
  });

  it("neither sends nor retries past the reservation's timeout", async () => {
    const received = endpoints(() => new Response(null, { status: 500 }));
    expect(await consume([assignment({ reservationExpiresAtMs: NOW })])).toMatchObject(ACKED_ALL);
    expect(received).toEqual([]);

    // Fails now; the next try would be at NOW + 2 s, when the reservation has timed out (NOW + 1.5 s).
    expect(await consume([assignment({ reservationExpiresAtMs: NOW + 1_500 })])).toMatchObject(ACKED_ALL);
    expect(received).toHaveLength(2);
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining("the reservation times out before a retry"));

    // With time for a retry, it retries.
    const later = await consume([assignment({ reservationExpiresAtMs: NOW + 60_000 })]);
    expect(later.retryMessages).toEqual([{ msgId: "m1", delaySeconds: 2 }]);
  });

  it("sends nothing for a workflow without an AssignmentCallbackUrl, or a task that is gone", async () => {
    const received = endpoints(() => Response.json({ instruction: "accept" }));
    settings[WS] = { ...settings[WS]!, workflow: { assignmentCallbackUrl: null, fallbackAssignmentCallbackUrl: FALLBACK_URL } };
    expect(await consume([assignment()])).toMatchObject(ACKED_ALL);

    settings[WS] = { ...settings[WS]!, workflow: { assignmentCallbackUrl: ASSIGN_URL, fallbackAssignmentCallbackUrl: null } };
    router.getTask.mockResolvedValue(notFound("Task", WT));
    expect(await consume([assignment()])).toMatchObject(ACKED_ALL);
    expect(received).toEqual([]);
    expect(router.applyAssignmentInstruction).not.toHaveBeenCalled();
  });

  it("logs an instruction the Router DO refuses (the reservation moved on) and acknowledges", async () => {
    endpoints(() => Response.json({ instruction: "accept" }));
    router.applyAssignmentInstruction.mockResolvedValue(fail(409, 40125, "Reservation is no longer pending"));
    expect(await consume([assignment()])).toMatchObject(ACKED_ALL);
    expect(log.warn).toHaveBeenCalledWith(
      `callbacks: assignment callback for ${WR}: instruction accept not applied: 40125 Reservation is no longer pending`,
    );
  });

  it("retries when the Router DO throws while applying the instruction", async () => {
    endpoints(() => Response.json({ instruction: "accept" }));
    router.applyAssignmentInstruction.mockRejectedValue(new Error("Durable Object is overloaded"));
    const result = await consume([assignment()], { attempts: 4 });
    expect(result.retryMessages).toEqual([{ msgId: "m1", delaySeconds: 16 }]);
  });
});

// ---- Conversations post-event webhooks -----------------------------------------------------------

describe("conversation webhooks", () => {
  const CH = "CH" + "4".repeat(32);
  const HOOK_URL = "https://bot.example.com/conversations?tenant=acme";
  const hook = (overrides: Partial<ConversationWebhookMessage> = {}): ConversationWebhookMessage => ({
    kind: "conversation-webhook",
    accountSid: AC,
    url: HOOK_URL,
    method: "POST",
    params: { AccountSid: AC, EventType: "onMessageAdded", ConversationSid: CH, Body: "Zoë & co", Source: "SDK" },
    idempotencyToken: EV1,
    ...overrides,
  });

  it("POSTs the parameters the ConversationDO built, signed with AUTH_TOKEN, and acknowledges on 200", async () => {
    const received = endpoints(() => new Response("ok"));
    expect(await consume([hook()])).toMatchObject(ACKED_ALL);
    const [request] = received;
    expect(request!.url).toBe(HOOK_URL);
    expect(request!.form).toEqual(hook().params);
    expect(request!.headers.get("I-Twilio-Idempotency-Token")).toBe(EV1);
    expect(request!.headers.get("X-Twilio-Signature")).toBe(await expectedSignature(HOOK_URL, request!.form));
    // No Durable Object is asked: the message carries everything.
    expect(settingsCalls).toEqual([]);
  });

  it("sends a GET webhook with the parameters in the URL it signs", async () => {
    const received = endpoints(() => new Response(null, { status: 204 }));
    expect(await consume([hook({ method: "GET" })])).toMatchObject(ACKED_ALL);
    const [request] = received;
    expect(request!.url).toBe(`${HOOK_URL}&${new URLSearchParams(hook().params).toString()}`);
    expect(request!.form).toEqual({});
    expect(request!.headers.get("X-Twilio-Signature")).toBe(await expectedSignature(request!.url, {}));
  });

  it("retries a failing endpoint with backoff, then gives up after the eighth attempt with a log naming only the host", async () => {
    endpoints(() => new Response(null, { status: 502 }));
    expect((await consume([hook()], { attempts: 3 })).retryMessages).toEqual([{ msgId: "m1", delaySeconds: 8 }]);
    expect(await consume([hook()], { attempts: 8 })).toMatchObject(ACKED_ALL);
    expect(log.error).toHaveBeenCalledWith(
      `callbacks: conversation webhook onMessageAdded for ${CH} to bot.example.com: answered HTTP 502; giving up after attempt 8 of 8`,
    );
    expect(JSON.stringify(log.error.mock.calls)).not.toContain("tenant=acme");
  });

  it("acknowledges without sending a webhook message that is malformed", async () => {
    const received = endpoints(() => new Response(null, { status: 204 }));
    expect(
      await consume([
        { ...hook(), method: "PUT" },
        { ...hook(), accountSid: "nope" },
      ]),
    ).toMatchObject(ACKED_ALL);
    expect(received).toEqual([]);
  });
});
