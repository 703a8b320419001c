/**
 * A conversation's entry in the directory (conversation-shell.ts `syncIndex`) is written one write at a
 * time and coalesced: while one write is in flight, every later change joins the one queued behind it,
 * which reads the conversation when its turn comes — so a burst of changes costs two writes, not one each,
 * and the entry ends as the conversation ends. A customer's message, which changes only the last activity,
 * within a second of a write leaves the refresh to the `index` timer, due a second after that write at the
 * latest. Nothing is lost to an eviction: the timer set with each change stays set until the write carrying
 * the last change lands, and the alarm writes it.
 * The environment is instrumented so that this workspace's DirectoryDO `upsert` is counted and waits
 * while `held` is set.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationIndexEntry } from "../../durable-objects/common/conversations";
import { conversationFor, directoryFor } from "../../platform/objects";
import { call, BASIC } from "./auth-helpers";
import { newWorkspace } from "./webchat-helpers";
import { openConversationOf, smsChannel, textChannel } from "./conversation-helpers";
import { interceptStubs } from "./stub-intercept";
import { eventually } from "../support/eventually";
import { timerDueAt } from "../../durable-objects/kit/timers";
import { conversationRow } from "../../durable-objects/conversation/store/conversation-rows";

const ACCOUNT = env.ACCOUNT_SID!;
const NUMBER = "+15552226666";

let ws = "";
let channel = "";
/** The entries this workspace's directory was asked to write, in order. */
const upserts: ConversationIndexEntry[] = [];
/** While set, every upsert waits for it. */
let held: { promise: Promise<void>; release: () => void } | null = null;
const hold = () => {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  held = { promise, release };
};
const release = () => {
  held?.release();
  held = null;
};

let restore = () => {};

beforeAll(async () => {
  restore = interceptStubs(
    env.DIRECTORY,
    (name) => name === ws,
    (method, real) =>
      method !== "upsert"
        ? real
        : async (accountSid: string, entry: ConversationIndexEntry) => {
            upserts.push(entry);
            if (held) await held.promise;
            return (real as (a: string, e: ConversationIndexEntry) => Promise<unknown>)(accountSid, entry);
          },
  );
  ws = await newWorkspace("index sync");
  channel = await smsChannel(ws, NUMBER);
});

afterAll(() => {
  release();
  restore();
});

const sms = (from: string, body: string): Promise<void> => textChannel(ws, channel, from, NUMBER, body);
/** The conversation's entry as the directory lists it. */
const listed = async (sid: string) => {
  const page = await directoryFor(env, ws).list(ACCOUNT, { pageSize: 50, page: 0 });
  if (!page.ok) throw new Error(page.message);
  return page.value.items.find((entry) => entry.sid === sid);
};
const rename = (sid: string, name: string) =>
  call("POST", `/conversations/v1/Conversations/${sid}`, { authorization: BASIC, origin: null, form: { FriendlyName: name } });
const nameOf = async (sid: string) => {
  const found = await conversationFor(env, sid).getConversation(ACCOUNT);
  if (!found.ok) throw new Error(found.message);
  return found.value.friendly_name;
};
const indexTimer = (sid: string) => runInDurableObject(conversationFor(env, sid), (_, state) => timerDueAt(state.storage, "index", ""));
/** Waits until the conversation's writes have settled: its entry says `name`. */
const settledAs = (sid: string, name: string) =>
  eventually(async () => ((await listed(sid))?.friendlyName === name ? true : undefined), `the entry named ${name}`);
/** The customer `from` says hello: their new conversation, once its entry is written (named for them). */
async function openedBy(from: string): Promise<string> {
  await sms(from, "Hello");
  const sid = await openConversationOf(ws, channel, from);
  if (sid === null) throw new Error("no open conversation");
  await settledAs(sid, from);
  return sid;
}

describe("the directory's entry of a conversation", { timeout: 60_000 }, () => {
  it("is written twice for changes made while one write is in flight, and ends as the conversation ends", async () => {
    const from = "+15550004001";
    const sid = await openedBy(from);

    hold();
    upserts.length = 0;
    const renamed = [rename(sid, "Ada")]; // its write is in flight, held
    await eventually(async () => (upserts.length === 1 ? true : undefined), "the first write in flight");
    renamed.push(rename(sid, "Ada L."), rename(sid, "Ada Lovelace"));
    await eventually(async () => ((await nameOf(sid)) === "Ada Lovelace" ? true : undefined), "every rename stored");
    expect(upserts).toHaveLength(1); // the others wait behind it, as one
    release();
    for (const reply of await Promise.all(renamed)) expect(reply.status).toBe(200);
    await settledAs(sid, "Ada Lovelace");
    expect(upserts.map((entry) => entry.friendlyName)).toEqual(["Ada", "Ada Lovelace"]);
  });

  it("keeps the timer set until the write carrying the last change lands", async () => {
    const from = "+15550004002";
    const sid = await openedBy(from);

    hold();
    const first = held!;
    upserts.length = 0;
    const renamed = [rename(sid, "Ada")]; // in flight, held
    await eventually(async () => (upserts.length === 1 ? true : undefined), "the first write in flight");
    renamed.push(rename(sid, "Grace")); // its write waits behind the held one
    await eventually(async () => ((await nameOf(sid)) === "Grace" ? true : undefined), "the rename stored");
    hold(); // the second write will wait too, once its turn comes
    first.release();
    await eventually(async () => (upserts.length === 2 ? true : undefined), "the second write in flight");
    // The first write landed, but not the last change: the timer stays, for the alarm should the object go now.
    expect(await indexTimer(sid)).not.toBeNull();
    expect((await listed(sid))?.friendlyName).toBe("Ada");
    release();
    for (const reply of await Promise.all(renamed)) expect(reply.status).toBe(200);
    await settledAs(sid, "Grace");
    expect(await indexTimer(sid)).toBeNull();
  });

  it("is written by the alarm after an eviction took the queued write with it", async () => {
    const from = "+15550004003";
    const sid = await openedBy(from);

    hold();
    const lost = held!;
    upserts.length = 0;
    void rename(sid, "Ada").catch(() => undefined); // in flight, held
    await eventually(async () => (upserts.length === 1 ? true : undefined), "the first write in flight");
    void rename(sid, "Grace").catch(() => undefined); // its write waits behind the held one, in memory
    await eventually(async () => ((await nameOf(sid)) === "Grace" ? true : undefined), "the rename stored");
    // Reset as an eviction would (the in-flight write holds a reference, which evictDurableObject waits out).
    await runInDurableObject(conversationFor(env, sid), (_, state) => state.abort("evicted")).catch(() => undefined);
    held = null; // the evicted object's writes never land
    expect(await runDurableObjectAlarm(conversationFor(env, sid))).toBe(true);
    await settledAs(sid, "Grace");
    expect(await indexTimer(sid)).toBeNull();
    lost.release();
  });

  it("keeps the timer for a message left to it while a write was in flight, which the alarm then writes", async () => {
    const from = "+15550004005";
    const sid = await openedBy(from);

    hold();
    upserts.length = 0;
    const renamed = rename(sid, "Ada"); // in flight, held
    await eventually(async () => (upserts.length === 1 ? true : undefined), "the write in flight");
    await sms(from, "Later"); // within a second of that write: left to the timer
    release();
    expect((await renamed).status).toBe(200);
    await settledAs(sid, "Ada");
    expect(upserts).toHaveLength(1);
    // The write read the conversation before the message: the timer stays for it.
    expect(await indexTimer(sid)).not.toBeNull();
    const last = await runInDurableObject(conversationFor(env, sid), (_, state) => conversationRow(state.storage)!.date_updated);
    expect((await listed(sid))!.dateUpdated).toBeLessThan(last);
    expect(await runDurableObjectAlarm(conversationFor(env, sid))).toBe(true);
    await eventually(async () => ((await listed(sid))?.dateUpdated === last ? true : undefined), "the message's activity listed");
    expect(await indexTimer(sid)).toBeNull();
  });

  it("refreshes the last activity of a burst of messages from the timer, at most a second behind, ending at the last", async () => {
    const from = "+15550004004";
    const sid = await openedBy(from);

    upserts.length = 0;
    for (let i = 0; i < 6; i++) await sms(from, `message ${i}`);
    // Within a second of a write, a message only sets the timer (due a second after that write at the latest).
    expect(upserts.length).toBeLessThanOrEqual(3);
    const due = await indexTimer(sid);
    expect(due).not.toBeNull();
    const last = await runInDurableObject(conversationFor(env, sid), (_, state) => conversationRow(state.storage)!.date_updated);
    expect(due! - last).toBeLessThanOrEqual(1_000);
    expect(await runDurableObjectAlarm(conversationFor(env, sid))).toBe(true);
    await eventually(async () => ((await listed(sid))?.dateUpdated === last ? true : undefined), "the last activity listed");
    expect(await indexTimer(sid)).toBeNull();
  });
});
