/**
 * Golden frames of the conversation socket (golden/conversation-frames.json, read by the desktop's
 * tests too): the ConversationDO's operations, at fixed times over node:sqlite, push frames that equal
 * the frozen ones once their random SIDs are numbered in order of appearance, and every kind the
 * contract names (contract/frame-types.ts) has a golden, so a wire change needs a deliberate update.
 * Variants the desktop must read apart have their own golden, named `<kind> (<variant>)`: a
 * supervisor's whisper (a staff-only message by someone who is no participant). `call.updated` is a web
 * chat visitor's voice call, just started (waiting). The commands a client
 * sends are frozen too (golden/conversation-commands.json): each parses, and each kind has one.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONVERSATION_FRAME_TYPES } from "../../../contract/frame-types";
import type { ConversationCommand, ConversationFrame } from "../../../contract/conversations";
import { parseCommand } from "../../../durable-objects/conversation/socket-commands";
import { updateConversation } from "../../../durable-objects/conversation/lifecycle/conversation";
import { receive } from "../../../durable-objects/conversation/lifecycle/inbound";
import { applyChange } from "../../../durable-objects/conversation/lifecycle/changes";
import { addMessage, updateMessage } from "../../../durable-objects/conversation/lifecycle/messages";
import { addParticipant, removeParticipant, updateParticipant } from "../../../durable-objects/conversation/lifecycle/participants";
import type { ApiResult } from "../../../durable-objects/common/rpc";
import { ACCOUNT, at, context, inbound, migratedHost } from "../conversations/conversation-fixtures";
import { onTaskEvent } from "../../../durable-objects/conversation/lifecycle/tasks";
import { surveyReply } from "../../../durable-objects/common/survey";
import { conversationSurvey } from "../../../contract/surveys";
import { beginCall } from "../../../durable-objects/conversation/lifecycle/calls";

const value = <T>(result: ApiResult<T>): T => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

/** Each distinct SID becomes its prefix and its number in order of appearance (CH…01, IM…02 …). */
function numbered(frames: readonly ConversationFrame[]): ConversationFrame[] {
  const seen = new Map<string, string>();
  const text = JSON.stringify(frames).replace(/\b([A-Z]{2})[0-9a-f]{32}\b/g, (sid, prefix: string) => {
    if (!seen.has(sid)) seen.set(sid, prefix + String(seen.size + 1).padStart(32, "0"));
    return seen.get(sid)!;
  });
  return JSON.parse(text) as ConversationFrame[];
}

const WHISPER = "message.added (whisper)";
const VARIANTS = [WHISPER];

/** One of each kind the ConversationDO's operations push, the first of its kind. */
function builtFrames(): Record<string, ConversationFrame> {
  const host = migratedHost();
  const frames: ConversationFrame[] = [];
  const run = <T>(now: number, operation: (op: ReturnType<typeof at>) => ApiResult<T>): T => {
    const op = at(host, now);
    const result = value(host.transactionSync(() => operation(op)));
    frames.push(...op.effects.frames);
    return result;
  };
  run(1_000, (op) => receive(op, ACCOUNT, context(), inbound("SM1", "hello")));
  const agent = run(2_000, (op) => addParticipant(op, ACCOUNT, { identity: "WK" + "9".repeat(32), attributes: "{}" }));
  const reply = run(3_000, (op) => addMessage(op, ACCOUNT, { body: "Hi Ada", author: agent.identity ?? "agent" }));
  run(4_000, (op) => updateMessage(op, ACCOUNT, reply.sid, { body: "Hi Ada!" }));
  run(5_000, (op) => updateParticipant(op, ACCOUNT, agent.sid, { attributes: '{"note":1}' }));
  run(6_000, (op) => applyChange(op, ACCOUNT, { kind: "unsent", providerMessageId: "SM1", customerAddress: "+15550001111", at: 6_000 }));
  run(7_000, (op) => removeParticipant(op, ACCOUNT, agent.sid));
  run(8_000, (op) => updateConversation(op, ACCOUNT, { state: "closed" }));
  const byKind: Record<string, ConversationFrame> = {};
  for (const frame of numbered(frames)) byKind[frame.type] ??= frame;
  // A supervisor's whisper, on a conversation of its own (so the SIDs above keep their numbers): staff
  // only, by someone who is no participant (their worker SID, their role).
  const whisper = migratedHost();
  value(whisper.transactionSync(() => receive(at(whisper, 1_000), ACCOUNT, context(), inbound("SM1", "hello"))));
  const op = at(whisper, 7_500);
  const note = { body: "Offer the refund", author: "WK" + "5".repeat(32), authorRole: "supervisor" as const, visibility: "staff" as const };
  value(whisper.transactionSync(() => addMessage(op, ACCOUNT, note)));
  byKind[WHISPER] = numbered(op.effects.frames)[0]!;
  // A call (issue 15), on a conversation of its own: a web chat visitor starts a voice call; it waits.
  const calling = migratedHost();
  const visitor = inbound("SM1", "hello", { channel: "web", customerAddress: "visitor-1", opensCall: "voice" });
  value(calling.transactionSync(() => receive(at(calling, 1_000), ACCOUNT, context({ taskChannel: "chat" }), visitor)));
  const started = at(calling, 2_000);
  const call = { callSid: "CA" + "1".repeat(32), kind: "voice", by: "customer" as const, identity: "visitor-1" };
  value(calling.transactionSync(() => beginCall(started, ACCOUNT, call)));
  byKind["call.updated"] = numbered(started.effects.frames)[0]!;
  return byKind;
}

const golden = JSON.parse(readFileSync(new URL("./golden/conversation-frames.json", import.meta.url), "utf8")) as Record<
  string,
  ConversationFrame
>;

describe("golden conversation frames", () => {
  it("the operations push the frozen frames", () => {
    const built = builtFrames();
    for (const [kind, frame] of Object.entries(built)) expect([kind, frame]).toEqual([kind, golden[kind]]);
  });

  it("every kind the contract names has a golden, and each variant", () => {
    expect(Object.keys(golden).sort()).toEqual([...CONVERSATION_FRAME_TYPES, ...VARIANTS].sort());
  });
});

const commands = JSON.parse(readFileSync(new URL("./golden/conversation-commands.json", import.meta.url), "utf8")) as Record<
  string,
  ConversationCommand
>;

describe("golden conversation commands", () => {
  it.each(Object.entries(commands))("%s parses as it is", (_name, command) => {
    expect(parseCommand(JSON.stringify(command))).toEqual(command);
  });

  it("every command kind has a golden", () => {
    expect([...new Set(Object.values(commands).map((c) => c.type))].sort()).toEqual(
      ["message.send", "typing", "read", "barge.join", "barge.leave"].sort(),
    );
  });
});

/**
 * The satisfaction survey on the wire (golden/conversation-survey-frames.json): the `conversation.updated`
 * frame of an SMS conversation closing with its survey offered, and the one of the answer, as the
 * operations push them; each survey also parses with the contract's schema.
 */
function surveyFrames(): Record<string, ConversationFrame> {
  const host = migratedHost();
  const frames: Record<string, ConversationFrame> = {};
  const run = <T>(name: string | null, now: number, operation: (op: ReturnType<typeof at>) => ApiResult<T>) => {
    const op = at(host, now);
    value(host.transactionSync(() => operation(op)));
    const last = op.effects.frames.filter((f) => f.type === "conversation.updated").at(-1);
    if (name !== null && last) frames[name] = last;
  };
  const task = (eventType: string) => ({
    eventSid: `EV-${eventType}`,
    eventType,
    workspaceSid: "WS",
    taskSid: "WT" + "7".repeat(32),
    conversationSid: "CH",
    workerSid: "WK" + "9".repeat(32),
    workerName: "Ann",
    reservationSid: "WR" + "8".repeat(32),
    at: 0,
  });
  run(null, 1_000, (op) => receive(op, ACCOUNT, context({ surveyQuestion: "How did we do?" }), inbound("SM1", "hello")));
  run(null, 2_000, (op) => onTaskEvent(op, ACCOUNT, task("reservation.accepted")));
  run("offered", 3_000, (op) => onTaskEvent(op, ACCOUNT, task("task.completed")));
  run("answered", 4_000, (op) => receive(op, ACCOUNT, context({ surveyAnswer: surveyReply("5 thanks")! }), inbound("SM2", "5 thanks")));
  const names = Object.keys(frames);
  return Object.fromEntries(numbered(Object.values(frames)).map((frame, i) => [names[i]!, frame]));
}

describe("golden survey frames", () => {
  const survey = JSON.parse(readFileSync(new URL("./golden/conversation-survey-frames.json", import.meta.url), "utf8")) as Record<
    string,
    ConversationFrame
  >;

  it("the conversation closing with its survey offered, and answered, push the frozen frames", () => {
    expect(surveyFrames()).toEqual(survey);
  });

  it("each frozen survey is the contract's", () => {
    for (const frame of Object.values(survey)) {
      if (frame.type !== "conversation.updated") throw new Error("a survey golden is a conversation.updated frame");
      expect(conversationSurvey.safeParse(frame.conversation.survey).success).toBe(true);
    }
  });
});
