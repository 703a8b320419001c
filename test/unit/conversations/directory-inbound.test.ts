/**
 * resolveInbound: which conversation a customer's message lands in, and which profile it is linked
 * to, on `node:sqlite`.
 */
import { describe, expect, it } from "vitest";
import type { EmailThread } from "../../../channels/messages";
import {
  ACCOUNT,
  EMAIL,
  OTHER_ACCOUNT,
  SMS,
  WEBCHAT,
  WHATSAPP,
  WORKER,
  WORKSPACE,
  ch,
  directory,
  entry,
  inbound,
  value,
} from "./directory-fixtures";

const mail = (messageId: string, inReplyTo: string | null = null, references: string[] = []): EmailThread => ({
  messageId,
  inReplyTo,
  references,
  subject: "Order 42",
});

describe("resolveInbound: the conversation", () => {
  it("answers the open conversation of an address, and a new one once it is closed", () => {
    const { dir, tick } = directory();
    const first = value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1) })));
    expect(first).toMatchObject({ conversationSid: ch(1), created: true });
    tick();
    // the same customer again, with a fresh candidate SID (as every webhook brings): the same conversation
    expect(value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(2) })))).toMatchObject({
      conversationSid: ch(1),
      created: false,
    });
    expect(value(dir.findOpen(ACCOUNT, SMS, "+15551234567"))).toBe(ch(1));

    // inactive still takes the customer's messages
    value(dir.upsert(ACCOUNT, entry(ch(1), { state: "inactive", channel: "sms", channelSid: SMS, customerAddress: "+15551234567" })));
    expect(value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(3) }))).conversationSid).toBe(ch(1));

    // closed releases the address: the next message opens a new conversation
    value(dir.upsert(ACCOUNT, entry(ch(1), { state: "closed", channel: "sms", channelSid: SMS, customerAddress: "+15551234567" })));
    expect(value(dir.findOpen(ACCOUNT, SMS, "+15551234567"))).toBeNull();
    tick();
    expect(value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(4) })))).toMatchObject({
      conversationSid: ch(4),
      created: true,
    });
  });

  it("keeps addresses apart per channel configuration", () => {
    const { dir } = directory();
    const sms = value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1) })));
    const wa = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({ channelSid: WHATSAPP, channel: "whatsapp", customerAddress: "whatsapp:+15551234567", newConversationSid: ch(2) }),
      ),
    );
    expect([sms.conversationSid, wa.conversationSid]).toEqual([ch(1), ch(2)]);
    expect(value(dir.findOpen(ACCOUNT, WHATSAPP, "whatsapp:+15551234567"))).toBe(ch(2));
  });

  it("threads an email reply by Message-ID, even from a colleague the customer copied", () => {
    const { dir, tick } = directory();
    const opened = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: EMAIL,
          channel: "email",
          customerAddress: "ada@example.com",
          thread: mail("<m1@example.com>"),
          newConversationSid: ch(1),
        }),
      ),
    );
    expect(opened.created).toBe(true);
    // our reply went out with Message-ID s1; the colleague answers it
    value(dir.recordThread(ACCOUNT, ch(1), ["<s1@switchboard>"]));
    tick();
    const colleague = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: EMAIL,
          channel: "email",
          customerAddress: "Grace <grace@example.com>",
          thread: mail("<m2@example.com>", "<s1@switchboard>", ["<m1@example.com>", "<s1@switchboard>"]),
          newConversationSid: ch(2),
        }),
      ),
    );
    expect(colleague).toMatchObject({ conversationSid: ch(1), created: false });
    // a reply that only references the colleague's mail threads too (its Message-ID was recorded)
    expect(
      value(
        dir.resolveInbound(
          ACCOUNT,
          inbound({
            channelSid: EMAIL,
            channel: "email",
            customerAddress: "bob@example.com",
            thread: mail("<m3@x>", null, ["<m2@example.com>"]),
            newConversationSid: ch(3),
          }),
        ),
      ).conversationSid,
    ).toBe(ch(1));
    // the colleague is a person of their own
    expect(colleague.customer.email).toBe("grace@example.com");
    expect(colleague.customer.profileSid).not.toBe(opened.customer.profileSid);
  });

  it("does not thread into a closed conversation nor across email channels", () => {
    const { dir } = directory();
    const other = "XC" + "5".repeat(32);
    value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: EMAIL,
          channel: "email",
          customerAddress: "ada@example.com",
          thread: mail("<m1@x>"),
          newConversationSid: ch(1),
        }),
      ),
    );
    // the same Message-ID arriving at another inbox (the customer wrote to both) is another conversation
    const elsewhere = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: other,
          channel: "email",
          customerAddress: "bob@example.com",
          thread: mail("<m2@x>", "<m1@x>"),
          newConversationSid: ch(2),
        }),
      ),
    );
    expect(elsewhere).toMatchObject({ conversationSid: ch(2), created: true });
    value(dir.upsert(ACCOUNT, entry(ch(1), { state: "closed" })));
    const late = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: EMAIL,
          channel: "email",
          customerAddress: "grace@example.com",
          thread: mail("<m3@x>", "<m1@x>"),
          newConversationSid: ch(3),
        }),
      ),
    );
    expect(late).toMatchObject({ conversationSid: ch(3), created: true });
  });

  it.each([
    ["a channel SID that is none", { channelSid: "XC1" }, "channelSid"],
    ["an empty address", { customerAddress: " " }, "customerAddress"],
    ["an email channel address that is no email", { channel: "email" as const, customerAddress: "nobody" }, "customerAddress"],
    ["a candidate SID that is none", { newConversationSid: "CH-new" }, "newConversationSid"],
    ["an unknown channel", { channel: "fax" as never }, "channel"],
  ])("refuses %s, naming the field, and stores nothing", (_what, overrides, field) => {
    const { dir } = directory();
    const result = dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1), ...overrides }));
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toContain(field);
    expect(value(dir.list(ACCOUNT, { pageSize: 50, page: 0 })).items).toEqual([]);
    expect(value(dir.listProfiles(ACCOUNT, { pageSize: 50, page: 0 })).items).toEqual([]);
  });

  it("answers 404 for another workspace's input and for another account", () => {
    const { dir } = directory();
    expect(dir.resolveInbound(ACCOUNT, inbound({ workspaceSid: "WS" + "9".repeat(32), newConversationSid: ch(1) }))).toMatchObject({
      status: 404,
    });
    value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1) })));
    expect(dir.resolveInbound(OTHER_ACCOUNT, inbound({ newConversationSid: ch(2) }))).toMatchObject({ ok: false, status: 404 });
    expect(dir.findOpen(OTHER_ACCOUNT, SMS, "+15551234567")).toMatchObject({ ok: false, status: 404 });
    expect(dir.list(OTHER_ACCOUNT, { pageSize: 50, page: 0 })).toMatchObject({ ok: false, status: 404 });
  });
});

describe("resolveInbound: the customer", () => {
  it("links SMS and WhatsApp from one number to one profile whose history shows both", () => {
    const { dir, tick } = directory();
    const sms = value(dir.resolveInbound(ACCOUNT, inbound({ customerName: "Ada", newConversationSid: ch(1) })));
    expect(sms.customer).toMatchObject({ name: "Ada", phone: "+15551234567", email: null, lastWorkerSid: null, history: [] });
    value(dir.noteWorker(ACCOUNT, ch(1), WORKER));
    value(dir.upsert(ACCOUNT, entry(ch(1), { state: "closed", channel: "sms", channelSid: SMS, customerAddress: "+15551234567" })));
    tick();
    // WhatsApp Cloud's wa_id: the same number without the plus
    const wa = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: WHATSAPP,
          channel: "whatsapp",
          customerAddress: "15551234567",
          customerName: "Ada L.",
          newConversationSid: ch(2),
        }),
      ),
    );
    expect(wa.customer.profileSid).toBe(sms.customer.profileSid);
    // the name an earlier message gave is kept; the worker who helped last is known
    expect(wa.customer).toMatchObject({ name: "Ada", lastWorkerSid: WORKER });
    expect(wa.customer.history).toEqual([
      { conversationSid: ch(1), channel: "sms", dateCreated: "2026-11-25T12:00:00Z", workerSid: WORKER },
    ]);
    tick();
    const third = value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(3) })));
    // newest first, without the conversation being answered
    expect(third.customer.history.map((h) => h.conversationSid)).toEqual([ch(2), ch(1)]);

    const profile = value(dir.getProfile(ACCOUNT, sms.customer.profileSid));
    expect(profile.addresses).toEqual([
      { channel: "sms", address: "+15551234567" },
      { channel: "whatsapp", address: "15551234567" },
    ]);
    expect(profile).toMatchObject({ account_sid: ACCOUNT, workspace_sid: WORKSPACE, last_worker_sid: WORKER });
  });

  it("keeps at most 10 earlier conversations in the history", () => {
    const { dir, tick } = directory();
    for (let n = 1; n <= 12; n++) {
      value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(n) })));
      value(dir.upsert(ACCOUNT, entry(ch(n), { state: "closed", dateCreated: 0, dateUpdated: 0 })));
      tick();
    }
    const last = value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(13) })));
    // 12 earlier ones: the newest 10, i.e. 12 down to 3
    expect(last.customer.history.map((h) => h.conversationSid)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3].map(ch));
  });

  it("links a web visitor who identifies to the customer holding that email, merging their anonymous profile", () => {
    const { dir, tick } = directory();
    const mailed = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: EMAIL,
          channel: "email",
          customerAddress: "ada@example.com",
          thread: mail("<m1@x>"),
          newConversationSid: ch(1),
        }),
      ),
    );
    tick();
    const anonymous = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({ channelSid: WEBCHAT, channel: "web", customerAddress: "visitor-1", newConversationSid: ch(2) }),
      ),
    );
    expect(anonymous.customer.profileSid).not.toBe(mailed.customer.profileSid);
    tick();
    // the pre-chat form gave the email (in another case)
    const identified = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: WEBCHAT,
          channel: "web",
          customerAddress: "visitor-1",
          identified: { email: "ADA@example.com" },
          newConversationSid: ch(3),
        }),
      ),
    );
    expect(identified.conversationSid).toBe(ch(2));
    expect(identified.customer.profileSid).toBe(mailed.customer.profileSid);
    expect(identified.customer.history.map((h) => h.conversationSid)).toEqual([ch(1)]);
    // the anonymous profile is gone; its conversation now belongs to the customer
    expect(dir.getProfile(ACCOUNT, anonymous.customer.profileSid)).toMatchObject({ status: 404 });
    expect(value(dir.profileConversations(ACCOUNT, mailed.customer.profileSid, { pageSize: 50, page: 0 })).items.map((c) => c.sid)).toEqual(
      [ch(2), ch(1)],
    );
  });

  it("makes a new customer's profile under the SID minted ahead, once however often it is told, and refuses one taken", () => {
    const { dir } = directory();
    const PR = "PR" + "a".repeat(32);
    const web = { channelSid: WEBCHAT, channel: "web" as const, customerAddress: "WV" + "1".repeat(32), customerName: "Ada" };
    // What a new web chat visitor's conversation tells the directory after its task was created (retried after a failure).
    const told = value(dir.resolveInbound(ACCOUNT, inbound({ ...web, newConversationSid: ch(1), newProfileSid: PR })));
    expect(told).toMatchObject({ conversationSid: ch(1), created: true, customer: { profileSid: PR, name: "Ada", history: [] } });
    const again = value(dir.resolveInbound(ACCOUNT, inbound({ ...web, newConversationSid: ch(1), newProfileSid: PR })));
    expect(again).toMatchObject({ conversationSid: ch(1), created: false, customer: { profileSid: PR } });
    expect(value(dir.listProfiles(ACCOUNT, { pageSize: 50, page: 0 })).items.map((p) => p.sid)).toEqual([PR]);

    // Another customer may not take it; a SID of another kind is named as wrong. Nothing changes either way.
    const other = { ...web, customerAddress: "WV" + "2".repeat(32) };
    expect(dir.resolveInbound(ACCOUNT, inbound({ ...other, newConversationSid: ch(2), newProfileSid: PR }))).toMatchObject({
      ok: false,
      status: 409,
      message: `Profile ${PR} already exists`,
    });
    expect(dir.resolveInbound(ACCOUNT, inbound({ ...other, newConversationSid: ch(2), newProfileSid: ch(9) }))).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining("newProfileSid"),
    });
    expect(value(dir.findOpen(ACCOUNT, WEBCHAT, other.customerAddress))).toBeNull();
    expect(value(dir.listProfiles(ACCOUNT, { pageSize: 50, page: 0 })).items).toHaveLength(1);
  });

  it("gives a new visitor who identifies with a new phone a profile holding that phone, which SMS then finds", () => {
    const { dir } = directory();
    const web = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: WEBCHAT,
          channel: "web",
          customerAddress: "visitor-2",
          customerName: "Grace",
          identified: { phone: "+1 555 123 4567" },
          newConversationSid: ch(1),
        }),
      ),
    );
    expect(web.customer).toMatchObject({ name: "Grace", phone: "+15551234567" });
    const sms = value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(2) })));
    expect(sms.customer.profileSid).toBe(web.customer.profileSid);
  });

  it("never merges two customers who both have contact details on a form's word", () => {
    const { dir } = directory();
    const ada = value(dir.createProfile(ACCOUNT, { email: "ada@example.com" }));
    const grace = value(dir.createProfile(ACCOUNT, { email: "grace@example.com", addresses: [{ channel: "web", address: "visitor-3" }] }));
    const resolved = value(
      dir.resolveInbound(
        ACCOUNT,
        inbound({
          channelSid: WEBCHAT,
          channel: "web",
          customerAddress: "visitor-3",
          identified: { email: "ada@example.com" },
          newConversationSid: ch(1),
        }),
      ),
    );
    expect(resolved.customer.profileSid).toBe(grace.sid);
    expect(value(dir.getProfile(ACCOUNT, ada.sid)).addresses).toEqual([]);
  });
});
