/**
 * Addresses are never card numbers: thousands of generated E.164 numbers (every length of country code
 * and national number) and Messenger / Instagram sender IDs (15–17 digits, a large share of them
 * Luhn-valid with an issuer's prefix, i.e. exactly what free-text masking would take for a card) go
 * through the inbound path — the Worker's masking of the delivery, the task's Flex attributes, and the
 * ConversationDO's first message — and come out as they went in: as the conversation's name, the task's
 * `from` and `name`, the customer's phone, the participant's address and the message's author.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCardNumber } from "../../../durable-objects/common/card-numbers";
import type { ConversationChannel } from "../../../contract/conversations";
import type { InboundMessage } from "../../../channels/messages";
import { flexAttributes, receive } from "../../../durable-objects/conversation/lifecycle/inbound";
import { redactContent } from "../../../workers/inbound/redact";
import { ACCOUNT, SID, at, context, inbound, migratedHost } from "./conversation-fixtures";

/** Country calling codes of every length (1, 2 and 3 digits). */
const COUNTRY_CODES = [
  "1",
  "7",
  "20",
  "27",
  "31",
  "33",
  "34",
  "44",
  "49",
  "52",
  "55",
  "61",
  "81",
  "86",
  "90",
  "91",
  "212",
  "234",
  "353",
  "380",
  "420",
  "852",
  "880",
  "971",
  "998",
];

/** Luhn's check digit for `body`, so that body + digit passes. */
function checkDigit(body: string): string {
  for (let d = 0; d <= 9; d++) {
    let sum = 0;
    const digits = body + d;
    for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
      let x = digits.charCodeAt(i) - 48;
      if (double) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
      sum += x;
    }
    if (sum % 10 === 0) return String(d);
  }
  throw new Error("unreachable");
}

const digitString = (min: number, max: number) =>
  fc.array(fc.constantFrom(..."0123456789"), { minLength: min, maxLength: max }).map((digits) => digits.join(""));

/** Digits made Luhn-valid half the time: the half free-text masking would look twice at. */
const maybeLuhn = (digits: fc.Arbitrary<string>) =>
  fc.tuple(digits, fc.boolean()).map(([d, luhn]) => (luhn ? d.slice(0, -1) + checkDigit(d.slice(0, -1)) : d));

/** An E.164 number: + country code + national number, 8 to 15 digits in all. */
const e164 = fc
  .constantFrom(...COUNTRY_CODES)
  .chain((cc) =>
    maybeLuhn(fc.tuple(fc.constantFrom(..."123456789"), digitString(7 - cc.length, 14 - cc.length)).map(([f, r]) => cc + f + r)),
  )
  .map((digits) => `+${digits}`);

/** A Messenger PSID or Instagram IGSID: 15–17 digits, not starting with 0. */
const senderId = maybeLuhn(fc.tuple(fc.constantFrom(..."123456789"), digitString(14, 16)).map(([f, r]) => f + r));

type Address = { channel: ConversationChannel; address: string; waId?: string };
const addresses: fc.Arbitrary<Address> = fc.oneof(
  e164.map((number) => ({ channel: "sms" as const, address: number })),
  e164.map((number) => ({ channel: "whatsapp" as const, address: `whatsapp:${number}`, waId: number.slice(1) })),
  senderId.map((id) => ({ channel: "messenger" as const, address: id })),
  senderId.map((id) => ({ channel: "instagram" as const, address: id })),
);

const messageFrom = ({ channel, address, waId }: Address): InboundMessage =>
  inbound("M1", "hello", {
    channel,
    customerAddress: address,
    customerName: null, // Messenger and Instagram give none: the address is the name
    attributes: waId === undefined ? {} : { wa_id: waId },
  });

const cardLike = (address: string) => isCardNumber(address.replace(/\D/g, ""));

describe("addresses through the inbound path", () => {
  it("the generators produce many addresses that free text would mask (so the test can fail)", () => {
    const sample = fc.sample(addresses, { numRuns: 4000, seed: 11 });
    expect(sample.filter((a) => cardLike(a.address)).length).toBeGreaterThan(300);
  });

  it("are left as they are by the delivery's masking and in the task's attributes", () => {
    fc.assert(
      fc.property(addresses, (a) => {
        const message = messageFrom(a);
        const [clean] = redactContent({ messages: [message], statuses: [] }).messages;
        expect(clean!.customerAddress).toBe(a.address);
        expect(clean!.attributes).toEqual(message.attributes);
        const customer = { ...context().customer, name: null, phone: a.address };
        const attributes = flexAttributes(SID, context({ customer }), clean!);
        expect(attributes).toMatchObject({ from: a.address, name: a.address, customers: { phone: a.address } });
      }),
      { numRuns: 4000, seed: 7 },
    );
  }, 30_000);

  it("are the conversation's name, the customer's address and the author of their first message", () => {
    // Only card-like addresses, through the ConversationDO's whole first-message path on node:sqlite.
    fc.assert(
      fc.property(
        addresses.filter((a) => cardLike(a.address)),
        (a) => {
          const host = migratedHost();
          const [clean] = redactContent({ messages: [messageFrom(a)], statuses: [] }).messages;
          const customer = { ...context().customer, name: null, phone: a.address };
          host.transactionSync(() => receive(at(host, 5_000), ACCOUNT, context({ customer }), clean!));
          const [conversation] = host.sql.exec("SELECT friendly_name, task_request FROM sb_conversation").toArray();
          expect(conversation!.friendly_name).toBe(a.address);
          const task = JSON.parse(JSON.parse(String(conversation!.task_request)).attributes) as Record<string, unknown>;
          expect(task).toMatchObject({ from: a.address, name: a.address, customers: { phone: a.address } });
          const [participant] = host.sql.exec("SELECT binding_address, identity FROM sb_participants").toArray();
          expect(participant!.binding_address ?? participant!.identity).toBe(a.address);
          const [message] = host.sql.exec("SELECT author, attributes FROM sb_messages").toArray();
          expect(message!.author).toBe(a.address);
          if (a.waId !== undefined) expect(JSON.parse(String(message!.attributes))).toEqual({ wa_id: a.waId });
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  }, 30_000);
});
