/** Customer profiles: create, link addresses, conflicts, lookups and deletion, on `node:sqlite`. */
import { describe, expect, it } from "vitest";
import { ACCOUNT, WORKSPACE, ch, directory, inbound, value } from "./directory-fixtures";

describe("profiles", () => {
  it("creates a profile with normalized contact details, and finds it by any of them", () => {
    const { dir } = directory();
    const made = value(
      dir.createProfile(ACCOUNT, {
        friendlyName: "Ada",
        email: "Ada@Example.com",
        phone: "+1 (555) 123-4567",
        attributes: '{"tier":"gold"}',
        addresses: [{ channel: "messenger", address: "psid-1" }],
      }),
    );
    expect(made).toMatchObject({
      sid: expect.stringMatching(/^PR[0-9a-f]{32}$/),
      account_sid: ACCOUNT,
      workspace_sid: WORKSPACE,
      friendly_name: "Ada",
      email: "ada@example.com",
      phone: "+15551234567",
      attributes: '{"tier":"gold"}',
      addresses: [{ channel: "messenger", address: "psid-1" }],
      last_worker_sid: null,
      date_created: "2026-11-25T12:00:00Z",
    });
    for (const query of [
      { email: "ADA@example.com" },
      { phone: "15551234567" },
      { channel: "whatsapp" as const, address: "whatsapp:+15551234567" },
      { channel: "messenger" as const, address: "psid-1" },
    ]) {
      expect(value(dir.findProfile(ACCOUNT, query))?.sid).toBe(made.sid);
    }
    expect(value(dir.findProfile(ACCOUNT, { email: "grace@example.com" }))).toBeNull();
    expect(dir.findProfile(ACCOUNT, { email: "nope" })).toMatchObject({ status: 400 });
    // an inbound SMS from the phone lands on the profile
    expect(value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1) }))).customer).toMatchObject({
      profileSid: made.sid,
      name: "Ada",
    });
  });

  it("links more addresses on update, changes only the named fields, and releases a replaced email", () => {
    const { dir, tick } = directory();
    const made = value(dir.createProfile(ACCOUNT, { friendlyName: "Ada", email: "ada@example.com" }));
    tick();
    const updated = value(
      dir.updateProfile(ACCOUNT, made.sid, { email: "ada@new.example", addresses: [{ channel: "instagram", address: "ig-1" }] }),
    );
    expect(updated).toMatchObject({
      friendly_name: "Ada",
      email: "ada@new.example",
      addresses: [{ channel: "instagram", address: "ig-1" }],
      date_created: "2026-11-25T12:00:00Z",
      date_updated: "2026-11-25T12:00:01Z",
    });
    expect(value(dir.findProfile(ACCOUNT, { email: "ada@example.com" }))).toBeNull();
    // null clears a field
    expect(value(dir.updateProfile(ACCOUNT, made.sid, { friendlyName: null })).friendly_name).toBeNull();
  });

  it("refuses an address, email or phone linked to another profile with 409 naming it, and changes nothing", () => {
    const { dir } = directory();
    const ada = value(dir.createProfile(ACCOUNT, { email: "ada@example.com", addresses: [{ channel: "sms", address: "+15551234567" }] }));
    const grace = value(dir.createProfile(ACCOUNT, { friendlyName: "Grace" }));
    for (const input of [
      { addresses: [{ channel: "whatsapp" as const, address: "whatsapp:+15551234567" }] }, // the same phone on another channel
      { email: "ADA@example.com" },
      { phone: "+15551234567" },
    ]) {
      const clash = dir.updateProfile(ACCOUNT, grace.sid, { friendlyName: "changed", ...input });
      expect(clash).toMatchObject({ ok: false, status: 409 });
      expect(!clash.ok && clash.message).toContain(ada.sid);
    }
    expect(dir.createProfile(ACCOUNT, { email: "ada@example.com" })).toMatchObject({ status: 409 });
    expect(value(dir.getProfile(ACCOUNT, grace.sid))).toEqual(grace);
    expect(value(dir.listProfiles(ACCOUNT, { pageSize: 50, page: 0 })).items).toHaveLength(2);
  });

  it.each([
    [{ email: "not-an-email" }, "Email"],
    [{ phone: "call me" }, "Phone"],
    [{ attributes: "[1]" }, "Attributes"],
    [{ attributes: "{" }, "Attributes"],
    [{ friendlyName: "x".repeat(257) }, "FriendlyName"],
    [{ addresses: [{ channel: "fax" as never, address: "1" }] }, "Address"],
    [{ addresses: [{ channel: "email" as const, address: "nobody" }] }, "Address"],
  ])("refuses %j with a 400 naming %s", (input, field) => {
    const { dir } = directory();
    const result = dir.createProfile(ACCOUNT, input);
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toContain(field);
    expect(value(dir.listProfiles(ACCOUNT, { pageSize: 50, page: 0 })).items).toEqual([]);
  });

  it("deletes a profile: its addresses are free again and its conversations stay, without it", () => {
    const { dir, tick } = directory();
    const first = value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1) })));
    value(dir.deleteProfile(ACCOUNT, first.customer.profileSid));
    expect(dir.getProfile(ACCOUNT, first.customer.profileSid)).toMatchObject({ status: 404 });
    expect(dir.deleteProfile(ACCOUNT, first.customer.profileSid)).toMatchObject({ status: 404 });
    expect(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items[0]).toMatchObject({ sid: ch(1), profileSid: null });
    tick();
    // the customer's next message makes them a new profile, which adopts the open conversation
    const again = value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(2) })));
    expect(again.conversationSid).toBe(ch(1));
    expect(again.customer.profileSid).not.toBe(first.customer.profileSid);
    expect(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items[0]?.profileSid).toBe(again.customer.profileSid);
  });

  it("lists profiles oldest first with paging, and a profile's conversations newest first", () => {
    const { dir, tick } = directory();
    const made = [];
    for (const name of ["A", "B", "C"]) {
      made.push(value(dir.createProfile(ACCOUNT, { friendlyName: name })).sid);
      tick();
    }
    const p0 = value(dir.listProfiles(ACCOUNT, { pageSize: 2, page: 0 }));
    const p1 = value(dir.listProfiles(ACCOUNT, { pageSize: 2, page: 1, pageToken: p0.nextPageToken! }));
    expect([...p0.items, ...p1.items].map((p) => p.sid)).toEqual(made);
    expect(p1.nextPageToken).toBeNull();
    expect(dir.profileConversations(ACCOUNT, "PR" + "0".repeat(32), { pageSize: 50, page: 0 })).toMatchObject({ status: 404 });
  });
});
