/**
 * DirectoryDO through real RPC: two webhooks at once for a new customer make one conversation, the
 * index and profiles survive eviction, and the object answers only the account that first called it.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ResolveInboundInput } from "../../durable-objects/common/conversations";
import { newSid } from "../../contract/ids";
import type { ApiResult } from "../../durable-objects/common/rpc";
import { DIRECTORY_MIGRATIONS } from "../../durable-objects/directory/schema";
import { directoryFor } from "../../platform/objects";

const ACCOUNT = "AC" + "a".repeat(32);
const OTHER_ACCOUNT = "AC" + "b".repeat(32);
const SMS = "XC" + "1".repeat(32);
const WHATSAPP = "XC" + "2".repeat(32);
const WORKER = "WK" + "c".repeat(32);
const ALL = { pageSize: 50, page: 0 };

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.message}`);
  return result.value;
}

/** A directory of its own (one per test: storage is shared within the file). */
function fresh() {
  const workspaceSid = newSid("WS");
  const stub = directoryFor(env, workspaceSid);
  const sms = (overrides: Partial<ResolveInboundInput> = {}): ResolveInboundInput => ({
    workspaceSid,
    channelSid: SMS,
    channel: "sms",
    customerAddress: "+15551234567",
    customerName: "Ada",
    thread: null,
    newConversationSid: newSid("CH"),
    ...overrides,
  });
  return { workspaceSid, stub, sms };
}

describe("DirectoryDO", () => {
  it("makes ONE conversation and ONE profile of two webhooks arriving together for a new customer", async () => {
    const { stub, sms } = fresh();
    const [a, b] = await Promise.all([stub.resolveInbound(ACCOUNT, sms()), stub.resolveInbound(ACCOUNT, sms())]).then((r) => r.map(value));
    expect(a!.conversationSid).toBe(b!.conversationSid);
    expect([a!.created, b!.created].sort()).toEqual([false, true]);
    expect(a!.customer.profileSid).toBe(b!.customer.profileSid);
    expect(value(await stub.list(ACCOUNT, ALL)).items).toHaveLength(1);
    expect(value(await stub.listProfiles(ACCOUNT, ALL)).items).toHaveLength(1);
  });

  it("keeps the index, threads and profiles across eviction", async () => {
    const { workspaceSid, stub, sms } = fresh();
    const first = value(await stub.resolveInbound(ACCOUNT, sms()));
    value(await stub.noteWorker(ACCOUNT, first.conversationSid, WORKER));
    await evictDurableObject(stub);

    const again = directoryFor(env, workspaceSid);
    expect(value(await again.findOpen(ACCOUNT, SMS, "+15551234567"))).toBe(first.conversationSid);
    const wa = value(
      await again.resolveInbound(ACCOUNT, sms({ channelSid: WHATSAPP, channel: "whatsapp", customerAddress: "whatsapp:+15551234567" })),
    );
    expect(wa.created).toBe(true);
    expect(wa.customer).toMatchObject({ profileSid: first.customer.profileSid, name: "Ada", phone: "+15551234567", lastWorkerSid: WORKER });
    expect(wa.customer.history.map((h) => h.conversationSid)).toEqual([first.conversationSid]);
    // the records carry the workspace the object is named for
    expect(value(await again.getProfile(ACCOUNT, first.customer.profileSid))).toMatchObject({
      account_sid: ACCOUNT,
      workspace_sid: workspaceSid,
      last_worker_sid: WORKER,
    });
    const tables = await runInDurableObject(again, (_instance, state) =>
      state.storage.sql.exec("SELECT version FROM sb_migrations ORDER BY version").toArray(),
    );
    expect(tables).toEqual(DIRECTORY_MIGRATIONS.map((m) => ({ version: m.version }))); // each applied once
  });

  it("answers 404 to every call of another account and changes nothing", async () => {
    const { stub, sms } = fresh();
    const mine = value(await stub.resolveInbound(ACCOUNT, sms()));
    const refused = [
      await stub.resolveInbound(OTHER_ACCOUNT, sms()),
      await stub.findOpen(OTHER_ACCOUNT, SMS, "+15551234567"),
      await stub.list(OTHER_ACCOUNT, ALL),
      await stub.byUniqueName(OTHER_ACCOUNT, "x"),
      await stub.upsert(OTHER_ACCOUNT, {
        sid: mine.conversationSid,
        uniqueName: null,
        friendlyName: null,
        state: "closed",
        channel: null,
        channelSid: null,
        customerAddress: null,
        profileSid: null,
        lastWorkerSid: null,
        dateCreated: 0,
        dateUpdated: 0,
      }),
      await stub.remove(OTHER_ACCOUNT, mine.conversationSid),
      await stub.noteWorker(OTHER_ACCOUNT, mine.conversationSid, WORKER),
      await stub.recordThread(OTHER_ACCOUNT, mine.conversationSid, ["<m@x>"]),
      await stub.getProfile(OTHER_ACCOUNT, mine.customer.profileSid),
      await stub.listProfiles(OTHER_ACCOUNT, ALL),
      await stub.createProfile(OTHER_ACCOUNT, { friendlyName: "Mallory" }),
      await stub.deleteProfile(OTHER_ACCOUNT, mine.customer.profileSid),
      await stub.findProfile(OTHER_ACCOUNT, { phone: "+15551234567" }),
    ];
    for (const result of refused) expect(result).toMatchObject({ ok: false, status: 404 });
    expect(value(await stub.findOpen(ACCOUNT, SMS, "+15551234567"))).toBe(mine.conversationSid);
    expect(value(await stub.listProfiles(ACCOUNT, ALL)).items.map((p) => p.sid)).toEqual([mine.customer.profileSid]);
  });
});
