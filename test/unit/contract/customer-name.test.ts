/**
 * Who the customer of a task is (contract/customer-name.ts), the one rule the desktop's task header and
 * the supervisors' feed share: the name from `customers.name`, `customerName` or `name`, else their
 * address (`from`, email, phone), and never a web visitor's ID (`WV…`), which is an internal key.
 */
import { describe, expect, it } from "vitest";
import { attributesOf, customerOf, valueAt } from "../../../contract/customer-name";

const VISITOR = "WV" + "0a".repeat(16);

describe("customerOf", () => {
  it.each([
    [
      { from: "+1555", customers: { name: "Ann" } },
      { name: "Ann", address: "+1555" },
    ],
    [
      { from: "+1555", customerName: "Bo" },
      { name: "Bo", address: "+1555" },
    ],
    [{ from: "+1555" }, { name: "+1555", address: null }], // no name: the address is the name
    [
      { from: "+1555", name: "+1555" },
      { name: "+1555", address: null },
    ],
    [{ customers: { email: "c@example.com" } }, { name: "c@example.com", address: null }],
    [{}, { name: null, address: null }],
    // A web visitor's address is their visitor ID (WV…): never shown, their email or phone is.
    [
      { from: VISITOR, name: VISITOR, channelType: "web" },
      { name: null, address: null },
    ],
    [
      { from: VISITOR, name: VISITOR, customers: { email: "grace@example.com", phone: "+1555" } },
      { name: "grace@example.com", address: "+1555" },
    ],
    [
      { from: VISITOR, name: "Grace", customerName: "Grace", customers: { name: "Grace", email: "grace@example.com" } },
      { name: "Grace", address: "grace@example.com" },
    ],
    [
      { from: VISITOR, customers: { phone: "+1555" } },
      { name: "+1555", address: null },
    ],
    // Blank and non-text values are no name: the next source is.
    [
      { customers: { name: "  " }, customerName: 42, from: "+1555" },
      { name: "42", address: "+1555" },
    ],
    [
      { customers: { name: { first: "Ann" } }, from: "+1555" },
      { name: "+1555", address: null },
    ],
  ])("%j → %j", (input, expected) => {
    expect(customerOf(input)).toEqual(expected);
  });
});

describe("customerOf(attributesOf(text))", () => {
  it.each([
    // Task attributes as JSON text (the Router stores them so), the name a supervisor sees.
    ['{"customers":{"name":"Ann Lee"},"from":"+1555"}', "Ann Lee"],
    [`{"from":"${VISITOR}","channelType":"web"}`, null],
    ['{"from":"ann@example.com"}', "ann@example.com"],
    ["not json", null],
    ["[1,2]", null],
    ["null", null],
  ])("%s → %s", (text, expected) => {
    expect(customerOf(attributesOf(text)).name).toBe(expected);
  });
});

describe("valueAt", () => {
  it.each([
    [{ customers: { name: "Ann" } }, "customers.name", "Ann"],
    [{ history: [{ channel: "sms" }] }, "history.0.channel", "sms"],
    [{ customers: null }, "customers.name", undefined],
    [{}, "toString", undefined], // only own keys: never the prototype's
  ])("%j at %s → %j", (attributes, path, expected) => {
    expect(valueAt(attributes, path)).toBe(expected);
  });
});
