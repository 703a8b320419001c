/** The conversation index: unique names, address claims, lists and their paging, on `node:sqlite`. */
import { describe, expect, it } from "vitest";
import type { ConversationIndexEntry } from "../../../durable-objects/common/conversations";
import type { Directory } from "../../../durable-objects/directory/directory";
import { ACCOUNT, SMS, T0, WORKER, ch, directory, entry, inbound, value } from "./directory-fixtures";

const HOUR = 3_600_000;
const sids = (items: readonly ConversationIndexEntry[]) => items.map((item) => item.sid);

/** Conversations 1…n, created an hour apart from T0 (1 is the oldest). */
function indexed(n: number): Directory {
  const { dir } = directory();
  for (let i = 1; i <= n; i++) value(dir.upsert(ACCOUNT, entry(ch(i), { dateCreated: T0 + i * HOUR, dateUpdated: T0 + i * HOUR })));
  return dir;
}

describe("upsert and unique names", () => {
  it("indexes API-made conversations and finds them by unique name", () => {
    const { dir } = directory();
    value(dir.upsert(ACCOUNT, entry(ch(1), { uniqueName: "order-42", friendlyName: "Order 42" })));
    expect(value(dir.byUniqueName(ACCOUNT, "order-42"))).toBe(ch(1));
    expect(value(dir.byUniqueName(ACCOUNT, "order-43"))).toBeNull();
    expect(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items).toEqual([
      entry(ch(1), { uniqueName: "order-42", friendlyName: "Order 42" }),
    ]);
  });

  it("refuses a unique name another conversation holds with 409 50353, and changes nothing", () => {
    const { dir } = directory();
    value(dir.upsert(ACCOUNT, entry(ch(1), { uniqueName: "order-42" })));
    value(dir.upsert(ACCOUNT, entry(ch(2))));
    expect(dir.upsert(ACCOUNT, entry(ch(2), { uniqueName: "order-42", friendlyName: "taken" }))).toEqual({
      ok: false,
      status: 409,
      code: 50353,
      message: "Conversation with provided unique name already exists",
    });
    expect(value(dir.byUniqueName(ACCOUNT, "order-42"))).toBe(ch(1));
    expect(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items[1]).toMatchObject({ sid: ch(2), friendlyName: null });
    // renaming frees the old name; the holder itself may keep writing it
    value(dir.upsert(ACCOUNT, entry(ch(1), { uniqueName: "order-42", friendlyName: "again" })));
    value(dir.upsert(ACCOUNT, entry(ch(1), { uniqueName: "order-43" })));
    value(dir.upsert(ACCOUNT, entry(ch(2), { uniqueName: "order-42" })));
    expect(value(dir.byUniqueName(ACCOUNT, "order-42"))).toBe(ch(2));
  });

  it("keeps what only the directory knows (profile, last worker, creation date) when an entry leaves it out", () => {
    const { dir, tick } = directory();
    const { customer } = value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1) })));
    value(dir.noteWorker(ACCOUNT, ch(1), WORKER));
    const later = tick();
    value(dir.upsert(ACCOUNT, entry(ch(1), { friendlyName: "SMS with Ada", dateCreated: later, dateUpdated: later })));
    expect(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items).toEqual([
      {
        ...entry(ch(1)),
        friendlyName: "SMS with Ada",
        channel: "sms",
        channelSid: SMS,
        customerAddress: "+15551234567",
        profileSid: customer.profileSid,
        lastWorkerSid: WORKER,
        dateUpdated: later,
      },
    ]);
  });

  it("lets an agent-started conversation claim a free address, and refuses one that is taken (409 50416)", () => {
    const { dir } = directory();
    const outbound = entry(ch(1), { channel: "sms", channelSid: SMS, customerAddress: "+15557654321" });
    value(dir.upsert(ACCOUNT, outbound));
    // the customer's reply lands in it
    expect(
      value(dir.resolveInbound(ACCOUNT, inbound({ customerAddress: "+15557654321", newConversationSid: ch(2) }))).conversationSid,
    ).toBe(ch(1));
    const clash = dir.upsert(ACCOUNT, { ...outbound, sid: ch(3) });
    expect(clash).toMatchObject({ ok: false, status: 409, code: 50416 });
    expect(!clash.ok && clash.message).toContain(ch(1));
    expect(sids(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items)).toEqual([ch(1)]);
  });

  it("keeps a closed conversation closed when a late entry says it is active (closed is final)", () => {
    const { dir } = directory();
    value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1) })));
    value(dir.upsert(ACCOUNT, entry(ch(1), { state: "closed" })));
    value(dir.upsert(ACCOUNT, entry(ch(1), { state: "active", friendlyName: "late" })));
    expect(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items[0]).toMatchObject({ state: "closed", friendlyName: "late" });
    expect(value(dir.findOpen(ACCOUNT, SMS, "+15551234567"))).toBeNull();
    expect(value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(2) }))).conversationSid).toBe(ch(2));
  });

  it.each([
    ["a SID that is no conversation's", entry("CH123"), "sid"],
    ["an unknown state", entry(ch(1), { state: "open" as never }), "State"],
    ["an unknown channel", entry(ch(1), { channel: "fax" as never }), "channel"],
  ])("refuses %s with a 400 naming it", (_what, bad, field) => {
    const { dir } = directory();
    const result = dir.upsert(ACCOUNT, bad);
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toContain(field);
  });

  it("removes a conversation with its address and threads", () => {
    const { dir } = directory();
    value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1) })));
    value(dir.upsert(ACCOUNT, entry(ch(1), { uniqueName: "gone" })));
    value(dir.remove(ACCOUNT, ch(1)));
    expect(value(dir.findOpen(ACCOUNT, SMS, "+15551234567"))).toBeNull();
    expect(value(dir.byUniqueName(ACCOUNT, "gone"))).toBeNull();
    expect(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items).toEqual([]);
    expect(dir.recordThread(ACCOUNT, ch(1), ["<m@x>"])).toMatchObject({ status: 404 });
  });

  it("answers 404 for notes about unknown conversations and 400 for a worker SID that is none", () => {
    const { dir } = directory();
    expect(dir.noteWorker(ACCOUNT, ch(1), WORKER)).toMatchObject({ status: 404 });
    value(dir.upsert(ACCOUNT, entry(ch(1))));
    expect(dir.noteWorker(ACCOUNT, ch(1), "agent-7")).toMatchObject({ status: 400 });
    // an API-made conversation has no channel to thread mail on
    expect(dir.recordThread(ACCOUNT, ch(1), ["<m@x>"])).toMatchObject({ status: 400 });
  });
});

describe("list", () => {
  it("lists oldest first without a date range, newest first within one (both ends inclusive), by state", () => {
    const dir = indexed(5);
    value(dir.upsert(ACCOUNT, entry(ch(2), { state: "closed", dateCreated: T0 + 2 * HOUR })));
    expect(sids(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items)).toEqual([1, 2, 3, 4, 5].map(ch));
    expect(sids(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 }, { startDate: T0 + 2 * HOUR, endDate: T0 + 4 * HOUR })).items)).toEqual(
      [4, 3, 2].map(ch),
    );
    expect(sids(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 }, { startDate: T0 + 4 * HOUR })).items)).toEqual([5, 4].map(ch));
    expect(sids(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 }, { state: "closed" })).items)).toEqual([ch(2)]);
    expect(sids(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 }, { state: "active", endDate: T0 + 3 * HOUR })).items)).toEqual(
      [3, 1].map(ch),
    );
  });

  it("pages forward and back with tokens, unmoved by conversations created in between", () => {
    const dir = indexed(5);
    const p0 = value(dir.list(ACCOUNT, { pageSize: 2, page: 0 }));
    expect(sids(p0.items)).toEqual([1, 2].map(ch));
    expect(p0.previousPageToken).toBeNull();
    // a conversation created before page 1 is read, but older than all (an import with its own date)
    value(dir.upsert(ACCOUNT, entry(ch(9), { dateCreated: T0 })));
    const p1 = value(dir.list(ACCOUNT, { pageSize: 2, page: 1, pageToken: p0.nextPageToken! }));
    expect(sids(p1.items)).toEqual([3, 4].map(ch));
    const p2 = value(dir.list(ACCOUNT, { pageSize: 2, page: 2, pageToken: p1.nextPageToken! }));
    expect(sids(p2.items)).toEqual([ch(5)]);
    expect(p2.nextPageToken).toBeNull();
    // back from page 2: the two before conversation 5; back again: what now precedes 3
    const back = value(dir.list(ACCOUNT, { pageSize: 2, page: 1, pageToken: p2.previousPageToken! }));
    expect(sids(back.items)).toEqual([3, 4].map(ch));
    const start = value(dir.list(ACCOUNT, { pageSize: 2, page: 0, pageToken: back.previousPageToken! }));
    expect(sids(start.items)).toEqual([1, 2].map(ch));
    expect(sids(value(dir.list(ACCOUNT, { pageSize: 2, page: 0, pageToken: start.previousPageToken! })).items)).toEqual([ch(9)]);
  });

  it("breaks ties in creation time by SID, so equal dates never repeat or skip across pages", () => {
    const { dir } = directory();
    for (const n of [4, 1, 3, 2]) value(dir.upsert(ACCOUNT, entry(ch(n))));
    const p0 = value(dir.list(ACCOUNT, { pageSize: 3, page: 0 }));
    const p1 = value(dir.list(ACCOUNT, { pageSize: 3, page: 1, pageToken: p0.nextPageToken! }));
    expect([...sids(p0.items), ...sids(p1.items)]).toEqual([1, 2, 3, 4].map(ch));
  });

  it("pages by Page without a token", () => {
    const dir = indexed(5);
    const page = value(dir.list(ACCOUNT, { pageSize: 2, page: 2 }));
    expect(sids(page.items)).toEqual([ch(5)]);
    expect(page.previousPageToken).not.toBeNull();
  });

  it.each([
    [{ pageSize: 0, page: 0 }, "PageSize"],
    [{ pageSize: 1001, page: 0 }, "PageSize"],
    [{ pageSize: 10, page: -1 }, "Page"],
    [{ pageSize: 10, page: 0, pageToken: "nonsense" }, "PageToken"],
    [{ pageSize: 10, page: 0, pageToken: btoa(JSON.stringify(["o", 10])) }, "PageToken"], // another list's token
  ])("refuses %j naming %s", (request, field) => {
    const result = indexed(1).list(ACCOUNT, request);
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toContain(field);
  });
});
