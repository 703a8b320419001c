/**
 * An agent's conversation end to end, with the real RouterDO, DirectoryDO and ConversationDO behind the
 * Worker: a Twilio-signed SMS opens the conversation and its task, Ann accepts it over the TaskRouter
 * REST API and joins (the Router hands the event to the conversation by RPC, in the background, so the
 * tests poll the conversation in a bounded loop), then hands it over — to a queue through the
 * workflow's `transferTargetType` filter, or to Bob by name through `known_worker_sid` — and Bob's
 * acceptance swaps them: Bob joins, Ann leaves and her task wraps up, the history stays, the
 * conversation stays active, and only the current task's end closes it. Also the conversation socket
 * through the Worker route: typing and read receipts reach the others, a supervisor watches read-only.
 */
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { CONVERSATION_SUBPROTOCOL, type MessageRecord, type ParticipantRecord } from "../../contract/conversations";
import { AgentSocket } from "./realtime-helpers";
import { ACCOUNT, ORIGIN, eventually, ok, rest, smsChannel, textChannel, twilioDouble, type Body } from "./conversation-helpers";
import { conversationFor, directoryFor } from "../../platform/objects";

const NUMBER = "+15552223333";

// Agents' replies go to the channel's (double) Twilio API, which takes them all; nothing leaves workerd.
twilioDouble();

let ws = "";
let first = "";
let second = "";
let channel = "";
let ann = "";
let bob = "";

beforeAll(async () => {
  ws = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "transfers" })).sid;
  const base = `/taskrouter/v1/Workspaces/${ws}`;
  const activities = (await ok("GET", `${base}/Activities?FriendlyName=Available`)).activities as Body[];
  const available = activities[0]!.sid;
  first = (await ok("POST", `${base}/TaskQueues`, { FriendlyName: "First line", TargetWorkers: "team == 'first'" })).sid;
  second = (await ok("POST", `${base}/TaskQueues`, { FriendlyName: "Second line", TargetWorkers: "team == 'second'" })).sid;
  const everyone = (await ok("POST", `${base}/TaskQueues`, { FriendlyName: "Everyone", TargetWorkers: "1==1" })).sid;
  const configuration = {
    task_routing: {
      filters: [
        { filter_friendly_name: "to a queue", expression: "transferTargetType == 'queue'", targets: [{ queue: second }] },
        {
          filter_friendly_name: "to a worker",
          expression: "transferTargetType == 'worker'",
          targets: [{ queue: everyone, known_worker_sid: "task.transferTargetSid" }],
        },
      ],
      default_filter: { queue: first },
    },
  };
  const workflow = (await ok("POST", `${base}/Workflows`, { FriendlyName: "Messaging", Configuration: JSON.stringify(configuration) })).sid;
  ann = (await ok("POST", `${base}/Workers`, { FriendlyName: "Ann", ActivitySid: available, Attributes: '{"team":"first"}' })).sid;
  bob = (await ok("POST", `${base}/Workers`, { FriendlyName: "Bob", ActivitySid: available, Attributes: '{"team":"second"}' })).sid;
  channel = await smsChannel(ws, NUMBER, workflow);
}, 30_000);

/** The customer texts the channel's number. */
const text = (from: string, body: string) => textChannel(ws, channel, from, NUMBER, body);

const conversation = (sid: string) => conversationFor(env, sid);

async function openConversation(address: string): Promise<string> {
  const found = await directoryFor(env, ws).findOpen(ACCOUNT, channel, address);
  if (!found.ok || found.value === null) throw new Error(`no open conversation for ${address}`);
  return found.value;
}

async function participants(sid: string): Promise<readonly ParticipantRecord[]> {
  const page = await conversation(sid).listParticipants(ACCOUNT, { pageSize: 50, page: 0 });
  if (!page.ok) throw new Error(page.message);
  return page.value.items;
}
/** Who is in the conversation: the customer's address and the agents' worker SIDs. */
const people = async (sid: string) => (await participants(sid)).map((p) => p.identity ?? p.messaging_binding?.address).sort();

async function messageBodies(sid: string): Promise<(string | null)[]> {
  const page = await ok("GET", `/conversations/v1/Conversations/${sid}/Messages?PageSize=50`);
  return (page.messages as MessageRecord[]).map((m) => m.body);
}

const task = (taskSid: string) => ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`);

/** The task's pending reservation (waiting for the Router to make it), with the worker it went to. */
const pendingReservation = (taskSid: string) =>
  eventually(`a reservation of ${taskSid}`, async () => {
    const page = await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}/Reservations?ReservationStatus=pending`);
    return (page.reservations as Body[])[0] as (Body & { worker_sid: string }) | undefined;
  });

async function accept(taskSid: string, workerSid: string): Promise<void> {
  const reservation = await pendingReservation(taskSid);
  expect(reservation.worker_sid).toBe(workerSid);
  await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}/Reservations/${reservation.sid}`, { ReservationStatus: "accepted" });
}

/** Waits until the conversation has the given people (customer address and agents' worker SIDs). */
const until = (sid: string, expected: string[]) =>
  eventually(`participants ${expected.join(", ")}`, async () => {
    const now = await people(sid);
    return JSON.stringify(now) === JSON.stringify([...expected].sort()) ? now : undefined;
  });

/** The conversation's own record of a task (a sync point: it has heard the Router's event). */
const taskStatusHere = (sid: string, taskSid: string) =>
  runInDurableObject(conversation(sid), (_instance, state) => {
    const row = state.storage.sql.exec<{ status: string }>("SELECT status FROM sb_tasks WHERE task_sid = ?", taskSid).toArray()[0];
    return row?.status;
  });

async function currentState(sid: string) {
  const read = await conversation(sid).getConversation(ACCOUNT);
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

/** A customer writes in; Ann accepts and joins. Answers the conversation and Ann's task. */
async function annTakesAConversation(customer: string) {
  await text(customer, "my parcel never came");
  const sid = await openConversation(customer);
  const annTask = (await currentState(sid)).task_sid!;
  expect(annTask).toMatch(/^WT[0-9a-f]{32}$/);
  await accept(annTask, ann);
  await until(sid, [customer, ann]);
  const ours = await ok("POST", `/conversations/v1/Conversations/${sid}/Messages`, { Author: ann, Body: "Let me check" });
  expect(ours.index).toBe(1);
  return { sid, annTask };
}

async function transfer(sid: string, targetType: "queue" | "worker", targetSid: string): Promise<string> {
  const res = await rest("POST", `/api/conversations/${sid}/transfer`, { WorkerSid: ann, TargetType: targetType, TargetSid: targetSid });
  expect(res.status).toBe(200);
  return (res.body as unknown as { taskSid: string }).taskSid;
}

const token = async (params: Record<string, string>) => (await ok("POST", "/api/tokens", { WorkspaceSid: ws, ...params })).token as string;

/** Opens the conversation socket through the Worker route with a realtime token; answers it after the snapshot. */
async function conversationSocket(sid: string, bearer: string): Promise<AgentSocket> {
  const res = await exports.default.fetch(`${ORIGIN}/api/conversations/${sid}/socket`, {
    headers: { upgrade: "websocket", "sec-websocket-protocol": `${CONVERSATION_SUBPROTOCOL}, token.${bearer}` },
  });
  expect(res.status).toBe(101);
  const opened = new AgentSocket(res.webSocket!);
  await opened.nextOf("conversation.snapshot");
  return opened;
}

describe("a transfer", () => {
  it("to a queue: Bob accepts and joins, Ann leaves and wraps up, the history and the conversation stay, the old task's end does not close it", async () => {
    const customer = "+15550101010";
    const { sid, annTask } = await annTakesAConversation(customer);

    const annSocket = await conversationSocket(sid, await token({ Role: "worker", WorkerSid: ann }));
    const newTask = await transfer(sid, "queue", second);
    expect(newTask).not.toBe(annTask);
    const created = await task(newTask);
    expect(created.task_queue_sid).toBe(second);
    expect(JSON.parse(created.attributes as string)).toMatchObject({
      conversationSid: sid,
      channelType: "sms",
      transferTargetType: "queue",
      transferTargetSid: second,
      transferredFrom: ann,
    });
    expect(JSON.parse(created.attributes as string)).not.toHaveProperty("known_worker_sid");
    // Until Bob takes it, Ann still has the conversation.
    expect(await people(sid)).toEqual([customer, ann].sort());

    await accept(newTask, bob);
    await until(sid, [customer, bob]);
    // Ann's desktop is told she left: her socket closes with 4410.
    expect((await annSocket.closed()).code).toBe(4410);
    await eventually("Ann's task wrapping", async () => ((await task(annTask)).assignment_status === "wrapping" ? true : undefined));
    expect((await task(newTask)).assignment_status).toBe("assigned");
    const after = await currentState(sid);
    expect(after).toMatchObject({ state: "active", task_sid: newTask });
    expect(await messageBodies(sid)).toEqual(["my parcel never came", "Let me check"]);

    // The customer goes on writing into the same conversation, which Bob now has.
    await text(customer, "any news?");
    expect(await openConversation(customer)).toBe(sid);
    expect(await messageBodies(sid)).toEqual(["my parcel never came", "Let me check", "any news?"]);

    // Ann finishes her wrap-up: the conversation hears it and stays with Bob.
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${annTask}`, { AssignmentStatus: "completed", Reason: "wrapped up" });
    await eventually("the conversation hearing Ann's task completed", async () =>
      (await taskStatusHere(sid, annTask)) === "done" ? true : undefined,
    );
    expect(await currentState(sid)).toMatchObject({ state: "active", task_sid: newTask });
    expect(await people(sid)).toEqual([customer, bob].sort());

    // Bob's task — the current one — ending is what closes it.
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${newTask}`, { AssignmentStatus: "wrapping" });
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${newTask}`, { AssignmentStatus: "completed", Reason: "solved" });
    await eventually("the conversation closing", async () => ((await currentState(sid)).state === "closed" ? true : undefined));
  });

  it("to a worker: the new task names Bob as its known worker and reaches him outside his queue; accepting swaps Ann for Bob", async () => {
    const customer = "+15550202020";
    const { sid, annTask } = await annTakesAConversation(customer);

    const newTask = await transfer(sid, "worker", bob);
    const created = await task(newTask);
    expect(JSON.parse(created.attributes as string)).toMatchObject({
      conversationSid: sid,
      transferTargetType: "worker",
      transferTargetSid: bob,
      known_worker_sid: bob,
      transferredFrom: ann,
    });

    await accept(newTask, bob);
    await until(sid, [customer, bob]);
    await eventually("Ann's task wrapping", async () => ((await task(annTask)).assignment_status === "wrapping" ? true : undefined));
    expect(await currentState(sid)).toMatchObject({ state: "active", task_sid: newTask });
    expect(await messageBodies(sid)).toEqual(["my parcel never came", "Let me check"]);
  });
});

describe("the conversation socket through the Worker", () => {
  let sid = "";
  const socket = (bearer: string) => conversationSocket(sid, bearer);

  beforeAll(async () => {
    sid = (await ok("POST", `/conversations/v1/Services/IS${ws.slice(2)}/Conversations`, { FriendlyName: "team room" })).sid;
    for (const identity of [ann, bob]) await ok("POST", `/conversations/v1/Conversations/${sid}/Participants`, { Identity: identity });
    await ok("POST", `/conversations/v1/Conversations/${sid}/Messages`, { Author: bob, Body: "morning" });
  });

  it("carries typing to the others (not back to the typist) without storing it; a read receipt moves the reader's index for all to see", async () => {
    const annSocket = await socket(await token({ Role: "worker", WorkerSid: ann }));
    const bobSocket = await socket(await token({ Role: "worker", WorkerSid: bob }));
    const annParticipant = (await participants(sid)).find((p) => p.identity === ann)!;

    annSocket.send({ type: "typing" });
    expect(await bobSocket.nextOf("typing")).toMatchObject({ participantSid: annParticipant.sid });
    // Bob's own typing comes to Ann; hers never came back to her before it.
    bobSocket.send({ type: "typing" });
    const toAnn = await annSocket.next((frame) => frame.type === "typing");
    expect(toAnn.participantSid).not.toBe(annParticipant.sid);
    expect(await messageBodies(sid)).toEqual(["morning"]);

    annSocket.send({ type: "read", index: 0 });
    const updated = await bobSocket.nextOf("participant.updated");
    expect(updated.participant).toMatchObject({ sid: annParticipant.sid, last_read_message_index: 0 });
    expect((await annSocket.nextOf("participant.updated")).participant).toMatchObject({ last_read_message_index: 0 });
    const stored = await ok("GET", `/conversations/v1/Conversations/${sid}/Participants/${annParticipant.sid}`);
    expect(stored.last_read_message_index).toBe(0);
    expect(stored.last_read_timestamp).toEqual(expect.any(String));
    annSocket.ws.close(1000, "done");
    bobSocket.ws.close(1000, "done");
  });

  it("lets a supervisor watch — messages and typing reach them — but refuses what they send, and stores nothing", async () => {
    const watcher = await socket(await token({ Role: "supervisor" }));
    const before = await messageBodies(sid);
    await ok("POST", `/conversations/v1/Conversations/${sid}/Messages`, { Author: ann, Body: "I'm on it" });
    expect(((await watcher.nextOf("message.added")).message as MessageRecord).body).toBe("I'm on it");

    watcher.send({ type: "message.send", clientId: "sup-1", body: "let me say something" });
    expect(await watcher.nextOf("error")).toMatchObject({ clientId: "sup-1", status: 403 });
    watcher.send({ type: "read", index: 0 });
    expect(await watcher.nextOf("error")).toMatchObject({ status: 403 });
    expect(await messageBodies(sid)).toEqual([...before, "I'm on it"]);
    expect((await participants(sid)).map((p) => p.identity).sort()).toEqual([ann, bob].sort());
    watcher.ws.close(1000, "done");
  });
});
