/** Address normalization: which addresses on which channels are the same person. */
import { describe, expect, it } from "vitest";
import { contactOf, normalizeEmail, normalizePhone, profileKey } from "../../../durable-objects/directory/addresses";
import type { ConversationChannel } from "../../../contract/conversations";

describe("normalizePhone", () => {
  it.each([
    ["+15551234567", "+15551234567"],
    ["whatsapp:+15551234567", "+15551234567"], // Twilio's WhatsApp address
    ["15551234567", "+15551234567"], // WhatsApp Cloud wa_id: digits without the plus
    ["+1 (555) 123-4567", "+15551234567"], // what a person types in a form
    ["+44 20 7946 0958", "+442079460958"],
    ["sms:+15551234567", "+15551234567"],
    ["  +4915112345678 ", "+4915112345678"],
  ])("%s → %s", (raw, expected) => expect(normalizePhone(raw)).toBe(expected));

  it.each([
    ["a short code (5 digits)", "12345"],
    ["an alphanumeric sender ID", "ACME"],
    ["too long (16 digits)", "+1234567890123456"],
    ["a leading zero (not E.164)", "05551234567"],
    ["empty", ""],
    ["an email", "ada@example.com"],
  ])("%s is no phone", (_what, raw) => expect(normalizePhone(raw)).toBeNull());
});

describe("normalizeEmail", () => {
  it.each([
    ["ada@example.com", "ada@example.com"],
    ["Ada@Example.COM", "ada@example.com"],
    ["Ada Lovelace <Ada@Example.com>", "ada@example.com"],
    ["  ada+support@example.co.uk ", "ada+support@example.co.uk"],
  ])("%s → %s", (raw, expected) => expect(normalizeEmail(raw)).toBe(expected));

  it.each([["no at sign"], ["two@at@signs.com"], ["spa ce@example.com"], ["ada@localhost"], [""]])("%s is no email", (raw) =>
    expect(normalizeEmail(raw)).toBeNull(),
  );
});

describe("profileKey", () => {
  it.each<[ConversationChannel, string, string | null]>([
    // one phone number, whatever carries it
    ["sms", "+15551234567", "phone:+15551234567"],
    ["whatsapp", "whatsapp:+15551234567", "phone:+15551234567"],
    ["whatsapp", "15551234567", "phone:+15551234567"],
    // A business-scoped user ID (no phone number behind it that we may see): a key of its own, prefix once.
    ["whatsapp", "whatsapp:US.13491208655302741918", "whatsapp:US.13491208655302741918"],
    // an SMS sender that is no phone number keeps its own key
    ["sms", "ACME", "sms:ACME"],
    // email: case and display name do not matter
    ["email", "Ada <ADA@example.com>", "email:ada@example.com"],
    ["email", "not an address", null],
    // IDs that mean something only on their channel
    ["web", "visitor-42", "web:visitor-42"],
    ["messenger", "6789012345", "messenger:6789012345"],
    ["instagram", "6789012345", "instagram:6789012345"],
    ["custom", "user-7", "custom:user-7"],
    ["web", "   ", null],
    ["web", "x".repeat(321), null],
  ])("%s %s → %s", (channel, address, expected) => expect(profileKey(channel, address)).toBe(expected));
});

describe("contactOf", () => {
  it.each<[ConversationChannel, string, { phone: string | null; email: string | null }]>([
    ["sms", "+15551234567", { phone: "+15551234567", email: null }],
    ["whatsapp", "15551234567", { phone: "+15551234567", email: null }],
    ["email", "Ada <ada@example.com>", { phone: null, email: "ada@example.com" }],
    ["messenger", "15551234567", { phone: null, email: null }], // a PSID that looks like digits is no phone
  ])("%s %s", (channel, address, expected) => expect(contactOf(channel, address)).toEqual(expected));
});
