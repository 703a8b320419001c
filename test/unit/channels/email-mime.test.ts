/**
 * Reading raw mails as the email channel does (addresses, names, subject, text, attachments, threading
 * headers, charsets) and building the raw MIME of an agent's reply, read back with the same parser a
 * mail client would use.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildEmail, emailToInbound, messageIds, parseEmail, replyReferences, replySubject } from "../../../channels/email-mime";

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("parseEmail", () => {
  it.each([
    // file, from address (lower-cased), name, subject, first words of the text
    ["email-plain.eml", "maria.garcia@example.org", "Maria Garcia", "Order #4411 never arrived", "Hello,\n\nI ordered a kettle"],
    ["email-alternative.eml", "wei.chen@example.net", "Chen, Wei", "Rechnung für März", "Hi team,\n\nPlease send the invoice for März"],
    ["email-html-only.eml", "noreply-shop@example.com", null, "Question about my subscription", "Hello there,\nCan I pause my plan & keep"],
    [
      "email-attachment.eml",
      "sam@example.co.uk",
      "Sam Okafor",
      "Damaged item - photos and receipt",
      "The kettle arrived with a cracked lid.",
    ],
    [
      "email-reply.eml",
      "maria.garcia@example.org",
      "Maria Garcia",
      "Re: Order #4411 never arrived",
      "Thank you, the tracking link works now.",
    ],
    ["email-latin1.eml", "francois@example.fr", "François Bérubé", "Problème de facturation", "Bonjour,\n\nJ'ai été facturé deux fois"],
  ])("%s: sender, subject and text", async (file, address, name, subject, start) => {
    const mail = await parseEmail(fixture(file));
    expect(mail.from).toEqual({ address, name });
    expect(mail.subject).toBe(subject);
    expect(mail.text.startsWith(start)).toBe(true);
  });

  it("reads To and Cc of every recipient, lower-cased, and the Message-ID with its brackets", async () => {
    const mail = await parseEmail(fixture("email-alternative.eml"));
    expect(mail.to).toEqual(["support@acme-support.test"]);
    expect(mail.cc).toEqual(["li.na@example.net", "ops@example.net"]);
    expect(mail.messageId).toBe("<20260304080211.7731@example.net>");
    // Wed, 04 Mar 2026 16:02:11 +0800 = 08:02:11 UTC
    expect(mail.sentAt).toBe(Date.UTC(2026, 2, 4, 8, 2, 11));
  });

  it("turns an HTML-only mail into text without its head, script or tags, and keeps Reply-To apart", async () => {
    const mail = await parseEmail(fixture("email-html-only.eml"));
    expect(mail.text).toBe(
      "Hello there,\nCan I pause my plan & keep my data?\nIt's for 2 months.\n\n- Plan: Pro\n- Account: jordan\n\nJordan <3",
    );
    expect(mail.text).not.toMatch(/alert|ignored title/);
    expect(mail.replyTo).toBe("jordan.lee@example.com");
  });

  it("reads attachments with their name, type and exact size", async () => {
    const mail = await parseEmail(fixture("email-attachment.eml"));
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.bytes.byteLength])).toEqual([
      ["receipt-4411.pdf", "application/pdf", 142],
    ]);
    expect(new TextDecoder().decode(mail.attachments[0]!.bytes.subarray(0, 8))).toBe("%PDF-1.4");
  });

  it("reads a reply's threading headers, References folded over two lines", async () => {
    const mail = await parseEmail(fixture("email-reply.eml"));
    expect(mail.inReplyTo).toBe("<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>");
    expect(mail.references).toEqual(["<CAF7a1b2c3d4e5f6@mail.example.org>", "<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>"]);
  });

  it("names a mail without Message-ID by the SHA-256 of its bytes, so a redelivery gets the same ID", async () => {
    const raw = "From: a@example.org\r\nTo: support@acme-support.test\r\nSubject: hi\r\n\r\nno id here\r\n";
    const first = await parseEmail(raw);
    expect(first.messageId).toMatch(/^<[0-9a-f]{64}@switchboard\.invalid>$/);
    expect((await parseEmail(raw)).messageId).toBe(first.messageId);
    expect((await parseEmail(raw + "more\r\n")).messageId).not.toBe(first.messageId);
  });
});

describe("emailToInbound", () => {
  it("keeps a reply's new text only, with the subject and headers in attributes.email and the thread", async () => {
    const mail = await parseEmail(fixture("email-reply.eml"));
    const message = emailToInbound(mail, "Support@Acme-Support.test", [], 1);
    expect(message).toMatchObject({
      providerMessageId: "<CAF7reply998877@mail.example.org>",
      channel: "email",
      customerAddress: "maria.garcia@example.org",
      proxyAddress: "support@acme-support.test",
      customerName: "Maria Garcia",
      body: "Thank you, the tracking link works now.",
      thread: {
        messageId: "<CAF7reply998877@mail.example.org>",
        inReplyTo: "<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>",
        references: mail.references,
        subject: "Re: Order #4411 never arrived",
      },
      sentAt: Date.UTC(2026, 2, 3, 12, 40, 3),
    });
    expect(message?.attributes.email).toMatchObject({
      subject: "Re: Order #4411 never arrived",
      message_id: "<CAF7reply998877@mail.example.org>",
    });
  });

  it("keeps a first mail's whole text, the media it is given, and answers null without a From", async () => {
    const mail = await parseEmail(fixture("email-plain.eml"));
    const media = [{ sid: "ME" + "1".repeat(32), content_type: "application/pdf", filename: "a.pdf", size: 3 }];
    expect(emailToInbound(mail, "support@acme-support.test", media, 1)?.body).toBe(mail.text);
    expect(emailToInbound(mail, "support@acme-support.test", media, 1)?.media).toEqual(media);
    const anonymous = await parseEmail("To: support@acme-support.test\r\nSubject: who\r\n\r\nbody\r\n");
    expect(emailToInbound(anonymous, "support@acme-support.test", [], 1)).toBeNull();
  });

  it("uses the subject as the body of a mail with no text, and cuts a huge one with a note", async () => {
    const empty = await parseEmail("From: a@example.org\r\nSubject: Call me back\r\n\r\n");
    expect(emailToInbound(empty, "s@acme.test", [], 1)?.body).toBe("Call me back");
    const huge = await parseEmail(`From: a@example.org\r\nSubject: log\r\n\r\n${"x".repeat(40_000)}\r\n`);
    // 40 000 characters, 32 768 kept: 7 232 more
    expect(emailToInbound(huge, "s@acme.test", [], 1)?.body).toMatch(/^x{32768}\n\[… 7232 more characters not shown\]$/);
  });
});

describe("threading helpers", () => {
  it.each([
    ["Order #4411", "Re: Order #4411"],
    ["Re: Order #4411", "Re: Order #4411"],
    ["RE: re: Order #4411", "Re: Order #4411"],
    ["Aw: Rechnung", "Re: Rechnung"],
    ["Re[2]: Rechnung", "Re: Rechnung"],
    ["Fwd: Rechnung", "Re: Fwd: Rechnung"],
    ["Regarding your order", "Re: Regarding your order"],
  ])("replySubject(%j) = %j", (subject, expected) => expect(replySubject(subject)).toBe(expected));

  it("messageIds keeps only bracketed IDs without spaces", () => {
    expect(messageIds("<a@x>  <b@y>\r\n <c@z> junk <bad id@x>")).toEqual(["<a@x>", "<b@y>", "<c@z>"]);
    expect(messageIds(null)).toEqual([]);
  });

  it("replyReferences appends the answered ID once and keeps the first and the latest 19 of a long thread", () => {
    const thread = (inReplyTo: string | null, references: string[]) => ({ messageId: "<new@x>", inReplyTo, references, subject: "s" });
    expect(replyReferences(thread("<c@x>", ["<a@x>", "<b@x>"]))).toEqual(["<a@x>", "<b@x>", "<c@x>"]);
    expect(replyReferences(thread("<b@x>", ["<a@x>", "<b@x>"]))).toEqual(["<a@x>", "<b@x>"]);
    expect(replyReferences(thread(null, []))).toEqual([]);
    const long = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    // 31 IDs: the first, then m12 … m29 (18) and last = 20
    expect(replyReferences(thread("<last@x>", long))).toEqual(["<m0@x>", ...long.slice(12), "<last@x>"]);
  });
});

describe("buildEmail", () => {
  const reply = {
    from: { address: "support@acme-support.test", name: "Acme Support" },
    to: "maria.garcia@example.org",
    subject: "Re: Order #4411 never arrived",
    messageId: "<IM" + "a".repeat(32) + "@mail.acme-support.test>",
    inReplyTo: "<CAF7reply998877@mail.example.org>",
    references: ["<CAF7a1b2c3d4e5f6@mail.example.org>", "<CAF7reply998877@mail.example.org>"],
    text: "Hi Maria,\n\nit ships today — sorry for the wait.\n\nAcme",
    date: new Date(Date.UTC(2026, 2, 3, 13, 0, 0)),
    attachments: [],
  };

  it("writes the threading headers, sender, recipient, date and UTF-8 text exactly", async () => {
    const raw = buildEmail(reply);
    expect(raw).toMatch(/^In-Reply-To: <CAF7reply998877@mail\.example\.org>\r$/m);
    expect(raw).toMatch(/^References: <CAF7a1b2c3d4e5f6@mail\.example\.org>\r\n <CAF7reply998877@mail\.example\.org>\r$/m);
    expect(raw).toMatch(/^Message-ID: <IMa{32}@mail\.acme-support\.test>\r$/m);
    expect(raw).toMatch(/^Date: Tue, 03 Mar 2026 13:00:00 \+0000\r$/m);
    const back = await parseEmail(raw);
    expect(back).toMatchObject({
      messageId: reply.messageId,
      from: { address: "support@acme-support.test", name: "Acme Support" },
      to: ["maria.garcia@example.org"],
      subject: "Re: Order #4411 never arrived",
      inReplyTo: reply.inReplyTo,
      references: reply.references,
      text: reply.text,
      attachments: [],
    });
  });

  it("attaches files with their type and bytes, and a name that cannot break the header", async () => {
    const pdf = fixture("email-attachment.eml").subarray(0, 300);
    const raw = buildEmail({
      ...reply,
      attachments: [
        { filename: "label.pdf", contentType: "application/pdf", bytes: pdf },
        { filename: 'evil"\r\nBcc: x@y.z.pdf', contentType: "text/plain\r\nX: y", bytes: new Uint8Array([104, 105]) },
      ],
    });
    expect(raw).not.toMatch(/^Bcc:/m);
    const back = await parseEmail(raw);
    expect(back.attachments.map((a) => [a.filename, a.contentType, a.bytes.byteLength])).toEqual([
      ["label.pdf", "application/pdf", 300],
      ["evil___Bcc: x@y.z.pdf", "application/octet-stream", 2],
    ]);
    expect(back.attachments[0]!.bytes).toEqual(new Uint8Array(pdf));
    expect(back.text).toBe(reply.text);
  });

  it("starts a thread without In-Reply-To or References, and refuses an address with a line break", async () => {
    const raw = buildEmail({ ...reply, inReplyTo: null, references: [] });
    expect(raw).not.toMatch(/^(In-Reply-To|References):/im);
    expect(() => buildEmail({ ...reply, to: "maria@example.org\r\nBcc: x@y.z" })).toThrow(/customer's address/);
  });
});
