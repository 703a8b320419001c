/**
 * A webhook channel's customer writing again goes straight to their open conversation
 * (workers/inbound/open-conversations.ts), not through the workspace's DirectoryDO: the environment is
 * instrumented so that every call to this workspace's DirectoryDO is counted, and throws while
 * `directory.down` holds. A conversation that has since closed (409) or is no longer there (404) sends the
 * message the directory's way, which opens the next one with the customer's history; a retried webhook is
 * stored once either way; a profile still missing the name a message gives gets it from the directory.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookPath } from "../../channels/channel-config";
import { conversationFor, directoryFor } from "../../platform/objects";
import { call, BASIC } from "./auth-helpers";
import { messageSid, signedForm, smsForm } from "../support/twilio-forms";
import { fetchApp, newWorkspace, ORIGIN } from "./webchat-helpers";
import { messagesOf, openConversationOf, smsChannel, TWILIO_AC, TWILIO_TOKEN } from "./conversation-helpers";
import { interceptStubs, WatchedCalls } from "./stub-intercept";

const ACCOUNT = env.ACCOUNT_SID!;
const NUMBER = "+15552225555";

let ws = "";
let channel = "";
let restore = () => {};
/** The Directory's RPC methods: a stub of the workspace's name answering one of them is its DirectoryDO's. */
const DIRECTORY_METHODS = new Set(["resolveInbound", "findOpen", "upsert", "webhookConfigs"]);
const directory = new WatchedCalls(DIRECTORY_METHODS);

beforeAll(async () => {
  restore = interceptStubs(env.DIRECTORY, (name) => name === ws, directory.intercept);
  ws = await newWorkspace("open conversations");
  channel = await smsChannel(ws, NUMBER);
});

afterAll(() => {
  restore();
  directory.down = false;
});

/** Posts a customer's SMS as Twilio would; answers the webhook's status. */
async function sms(from: string, body: string, extra: Record<string, string> = {}, sid = messageSid()): Promise<number> {
  const url = `${ORIGIN}${webhookPath(ws, channel)}`;
  const response = await fetchApp(
    webhookPath(ws, channel),
    await signedForm(url, { ...smsForm(TWILIO_AC, from, NUMBER, body, sid), ...extra }, TWILIO_TOKEN),
  );
  await response.text();
  return response.status;
}
const openConversation = (address: string) => openConversationOf(ws, channel, address);
const bodies = async (conversationSid: string) => (await messagesOf(conversationSid)).map((m) => m.body);
const taskAttributes = async (conversationSid: string) => {
  const found = await conversationFor(env, conversationSid).getConversation(ACCOUNT);
  if (!found.ok) throw new Error(found.message);
  const task = await call("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${found.value.task_sid}`, { authorization: BASIC, origin: null });
  return JSON.parse(task.body.attributes as string) as { history: { conversation_sid: string }[] };
};

describe("a customer writing again", () => {
  it("reaches their open conversation without the directory, even while it cannot be reached", async () => {
    const from = "+15550003001";
    directory.calls.length = 0;
    expect(await sms(from, "First")).toBe(200);
    expect(directory.calls).toContain("resolveInbound");
    const conversationSid = (await openConversation(from))!;

    directory.calls.length = 0;
    directory.down = true;
    try {
      expect(await sms(from, "Second")).toBe(200);
      expect(await sms(from, "Third")).toBe(200);
    } finally {
      directory.down = false;
    }
    expect(directory.calls).not.toContain("resolveInbound");
    expect(directory.calls).not.toContain("webhookConfigs"); // kept from the directory's answer to the first
    expect(await bodies(conversationSid)).toEqual(["First", "Second", "Third"]);
    expect(await openConversation(from)).toBe(conversationSid);
  });

  it("stores a retried webhook once, whichever way it came", async () => {
    const from = "+15550003002";
    const first = messageSid();
    expect(await sms(from, "Hello", {}, first)).toBe(200);
    const retry = messageSid();
    expect(await sms(from, "Are you there?", {}, retry)).toBe(200); // through the isolate's copy
    expect(await sms(from, "Hello", {}, first)).toBe(200);
    expect(await sms(from, "Are you there?", {}, retry)).toBe(200);
    expect(await bodies((await openConversation(from))!)).toEqual(["Hello", "Are you there?"]);
  });

  it("whose conversation has closed opens the next one through the directory, with the closed one in its history", async () => {
    const from = "+15550003003";
    expect(await sms(from, "Order 1")).toBe(200);
    const closed = (await openConversation(from))!;
    expect(await sms(from, "Thanks")).toBe(200);
    const closing = await call("POST", `/conversations/v1/Conversations/${closed}`, {
      authorization: BASIC,
      origin: null,
      form: { State: "closed" },
    });
    expect(closing.status).toBe(200);

    directory.calls.length = 0;
    expect(await sms(from, "Order 2")).toBe(200);
    expect(directory.calls).toContain("resolveInbound");
    const next = (await openConversation(from))!;
    expect(next).not.toBe(closed);
    expect(await bodies(closed)).toEqual(["Order 1", "Thanks"]);
    expect(await bodies(next)).toEqual(["Order 2"]);
    expect((await taskAttributes(next)).history.map((h) => h.conversation_sid)).toEqual([closed]);

    // And the new one is the isolate's from then on.
    directory.calls.length = 0;
    expect(await sms(from, "Order 2, again")).toBe(200);
    expect(directory.calls).not.toContain("resolveInbound");
    expect(await bodies(next)).toEqual(["Order 2", "Order 2, again"]);
  });

  it("whose conversation was deleted opens a new one through the directory", async () => {
    const from = "+15550003004";
    expect(await sms(from, "Before")).toBe(200);
    const deleted = (await openConversation(from))!;
    expect(await sms(from, "Still before")).toBe(200);
    const removing = await call("DELETE", `/conversations/v1/Conversations/${deleted}`, { authorization: BASIC, origin: null });
    expect(removing.status).toBe(204);

    directory.calls.length = 0;
    expect(await sms(from, "After")).toBe(200);
    expect(directory.calls).toContain("resolveInbound");
    const next = (await openConversation(from))!;
    expect(next).not.toBe(deleted);
    expect(await bodies(next)).toEqual(["After"]);
  });

  it("gives the profile the name it lacks: a message with a name is not kept from the directory", async () => {
    const from = "+15550003005";
    expect(await sms(from, "No name yet")).toBe(200);
    const profile = async () => {
      const found = await directoryFor(env, ws).findProfile(ACCOUNT, { channel: "sms", address: from });
      if (!found.ok || found.value === null) throw new Error("no profile");
      return found.value;
    };
    expect((await profile()).friendly_name).toBeNull();
    directory.calls.length = 0;
    expect(await sms(from, "It's Ada", { ProfileName: "Ada Lovelace" })).toBe(200);
    expect(directory.calls).toContain("resolveInbound");
    expect((await profile()).friendly_name).toBe("Ada Lovelace");
    // Named now: later messages, named or not, go straight to the conversation.
    directory.calls.length = 0;
    expect(await sms(from, "Again", { ProfileName: "Ada Lovelace" })).toBe(200);
    expect(directory.calls).not.toContain("resolveInbound");
    expect(await bodies((await openConversation(from))!)).toEqual(["No name yet", "It's Ada", "Again"]);
  });
});
