// Card numbers in attribute documents: every string is free text except under address and ID keys,
// and an update keeps what the stored document already held.
import { describe, expect, it } from "vitest";
import { isIdentifierKey, redactDeep } from "../../../durable-objects/common/card-attributes";

/** Luhn-valid with a Mastercard prefix, as some Messenger sender IDs are. */
const PSID = "5372873542762918";

describe("redactDeep", () => {
  it("masks strings at any depth of attributes, keys included, and leaves other values", () => {
    expect(
      redactDeep({ note: "4111111111111111", nested: [{ pan: "5555 5555 5555 4444" }], n: 4111111111111111, ok: true, none: null }),
    ).toEqual({
      note: "************1111",
      nested: [{ pan: "**** **** **** 4444" }],
      n: 4111111111111111,
      ok: true,
      none: null,
    });
    expect(redactDeep({ "4111111111111111": 1 })).toEqual({ "************1111": 1 });
  });

  it("keeps addresses and provider IDs, however card-like, at any depth", () => {
    const attributes = {
      from: PSID,
      customers: { phone: "4915100000160", email: `${PSID}@example.com`, profile_sid: "PR1" },
      wa_id: PSID,
      reply_to: `m_${PSID}`,
      reaction: { message_id: PSID },
      referral: { sourceId: PSID },
      email: { message_id: `<${PSID}@mail>`, references: [PSID, PSID], cc: [PSID], to: [PSID] },
      conversationSid: PSID,
      id: PSID,
    };
    expect(redactDeep(attributes)).toBe(attributes);
  });

  it.each([
    ["a location's postal address", { location: { address: `Flat 2, ${PSID}` } }, { location: { address: "Flat 2, ************2918" } }],
    ["a button's payload", { postback: { payload: PSID } }, { postback: { payload: "************2918" } }],
    ["a name", { name: PSID }, { name: "************2918" }],
    ["a key that merely ends in id", { prepaid: PSID }, { prepaid: "************2918" }],
    ["an object under an address key", { from: { note: PSID } }, { from: { note: "************2918" } }],
  ])("masks %s: free text", (_what, attributes, expected) => expect(redactDeep(attributes)).toEqual(expected));

  it("keeps what the previous document held and masks what is new or changed", () => {
    const stored = { a: "4111 1111 1111 1111", list: ["4111111111111111"], "5105105105105100": "key kept" };
    const sent = { ...stored, b: "4111 1111 1111 1111", list: ["4111111111111111", "5105105105105100"] };
    expect(redactDeep(sent, stored)).toEqual({
      a: "4111 1111 1111 1111",
      list: ["4111111111111111", "************5100"],
      "5105105105105100": "key kept",
      b: "**** **** **** 1111",
    });
    expect(redactDeep({ a: "4111 1111 1111 1111 " }, stored)).toEqual({ a: "**** **** **** 1111 " });
  });

  it("answers the same object when nothing is masked, a new one otherwise", () => {
    const clean = { a: ["x", { b: "y" }] };
    expect(redactDeep(clean)).toBe(clean);
    const dirty = { a: ["x", { b: "4111111111111111" }] };
    expect(redactDeep(dirty)).not.toBe(dirty);
    expect(dirty.a[1]).toEqual({ b: "4111111111111111" });
  });

  it("treats a __proto__ key as data", () => {
    const parsed = JSON.parse('{"__proto__": {"pan": "4111111111111111"}}') as Record<string, unknown>;
    const masked = redactDeep(parsed);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(JSON.stringify(masked)).toBe('{"__proto__":{"pan":"************1111"}}');
  });
});

describe("isIdentifierKey", () => {
  it.each(["from", "to", "cc", "reply_to", "replyTo", "Reply-To", "phone", "email", "identity", "customerAddress", "contact_uri"])(
    "%s is an address key",
    (key) => expect(isIdentifierKey(key)).toBe(true),
  );
  it.each(["id", "ID", "sid", "wa_id", "message_id", "sourceId", "conversationSid", "profile_sid", "workerSID"])("%s is an ID key", (key) =>
    expect(isIdentifierKey(key)).toBe(true),
  );
  it.each(["name", "note", "body", "address", "payload", "prepaid", "PAID", "card", "pan", "digits"])("%s is free text", (key) =>
    expect(isIdentifierKey(key)).toBe(false),
  );
});
