/**
 * The customer panel's rules, pure: the CRM screen-pop URL (placeholders filled and URL-encoded, unknown
 * ones empty, only absolute http(s) URLs ever returned), the attributes as a flat key/value list, and the
 * customer's name and address for the header (that rule is contract/customer-name.ts, tested in test/unit).
 */
import { describe, expect, it } from "vitest";
import { crmUrl, flattenAttributes, isUnverified, unverifiedOf } from "../../web/desktop/src/app/task/customer-data";

const attributes = {
  from: "+1 555 0100",
  name: "Ann & Co",
  customers: { profile_sid: "PR1", email: "ann@example.com", tier: 3, vip: true },
  history: [{ channel: "sms" }],
  evil: "javascript:alert(1)",
};

describe("crmUrl", () => {
  it.each([
    // template, expected (worked out by hand: encodeURIComponent of each value)
    ["https://crm.example/customers?phone={{task.from}}", "https://crm.example/customers?phone=%2B1%20555%200100"],
    ["https://crm.example/c?n={{ task.name }}&e={{task.customers.email}}", "https://crm.example/c?n=Ann%20%26%20Co&e=ann%40example.com"],
    ["https://crm.example/c/{{task.customers.tier}}/{{task.customers.vip}}", "https://crm.example/c/3/true"],
    ["https://crm.example/c?ch={{task.history.0.channel}}", "https://crm.example/c?ch=sms"],
    ["https://crm.example/c?x={{task.nope}}&y={{task.customers.missing.deeper}}", "https://crm.example/c?x=&y="], // unknown → empty
    ["https://crm.example/c?x={{task.customers}}", "https://crm.example/c?x="], // an object is not a value
    ["https://crm.example/c?x={{worker.name}}", "https://crm.example/c?x="], // only task.* placeholders
    ["http://localhost:8080/lookup?q={{task.from}}", "http://localhost:8080/lookup?q=%2B1%20555%200100"],
  ])("%s → %s", (template, expected) => {
    expect(crmUrl(template, attributes)).toBe(expected);
  });

  it.each([
    ["javascript:alert(document.cookie)"],
    ["JavaScript:alert(1)//https://crm.example"],
    ["data:text/html,<script>alert(1)</script>"],
    ["ftp://crm.example/file"],
    ["/relative/path?phone={{task.from}}"],
    ["{{task.evil}}"], // an attribute cannot choose the scheme: its ':' is encoded, leaving no absolute URL
    ["not a url"],
    [""],
  ])("refuses %j (no URL shown)", (template) => {
    expect(crmUrl(template, attributes)).toBeNull();
  });

  it.each([
    // a customer-supplied attribute must not choose where the frame points
    ["https://{{task.host}}/customers", { host: "evil.example" }],
    ["https://crm.{{task.host}}/customers", { host: "evil.example" }],
    ["https://crm.example{{task.port}}/c", { port: ":8443" }], // the encoded ":" makes no valid host
    ["{{task.url}}", { url: "https://evil.example/" }],
  ])("a placeholder cannot pick the host: %s", (template, attrs) => {
    expect(crmUrl(template, attrs)).toBeNull();
  });

  it.each([
    // template, attributes, expected (worked out by hand: each value encodeURIComponent'ed in its own segment)
    ["https://crm.example/customers/{{task.id}}/view", { id: "a/b" }, "https://crm.example/customers/a%2Fb/view"],
    ["https://crm.example/customers/{{task.id}}/view", { id: "../admin" }, "https://crm.example/customers/..%2Fadmin/view"],
    ["https://crm.example/customers/{{task.id}}/view", { id: "..x" }, "https://crm.example/customers/..x/view"],
    ["https://crm.example/customers/{{task.id}}/view", { id: "a\\b" }, "https://crm.example/customers/a%5Cb/view"],
    ["https://crm.example/customers/{{task.id}}/view", { id: "%2e%2E" }, "https://crm.example/customers/%252e%252E/view"],
    ["https://crm.example/customers/{{task.id}}?q={{task.q}}", { id: "7", q: ".." }, "https://crm.example/customers/7?q=.."],
    ["https://crm.example/customers/{{task.id}}#{{task.q}}", { id: "7", q: "../x" }, "https://crm.example/customers/7#..%2Fx"],
  ])("a value fills one path segment and no more: %s with %j → %s", (template, attrs, expected) => {
    expect(crmUrl(template, attrs)).toBe(expected);
  });

  it.each([
    // a whole segment of dots is a step up or a no-op in every URL parser (%2E too): the path would change
    ["https://crm.example/customers/{{task.id}}/view", { id: ".." }],
    ["https://crm.example/customers/{{task.id}}/view", { id: "." }],
    ["https://crm.example/customers/{{task.id}}", { id: ".." }],
    ["https://crm.example/customers/{{task.id}}", { id: "." }],
    ["https://crm.example/customers/{{task.a}}{{task.b}}/view", { a: ".", b: "." }],
  ])("refuses %s with %j rather than show another page", (template, attrs) => {
    expect(crmUrl(template, attrs)).toBeNull();
  });

  it("a CRM on the desktop's own origin is refused (scripts + same-origin could lift the sandbox)", () => {
    expect(crmUrl("http://127.0.0.1:8787/app/#/agent?x={{task.from}}", attributes, "http://127.0.0.1:8787")).toBeNull();
    expect(crmUrl("https://crm.example/?x={{task.from}}", attributes, "http://127.0.0.1:8787")).toBe(
      "https://crm.example/?x=%2B1%20555%200100",
    );
  });

  it("no template, no CRM", () => {
    expect(crmUrl(null, attributes)).toBeNull();
  });

  it("an inherited property is not an attribute", () => {
    expect(crmUrl("https://crm.example/?x={{task.constructor}}&y={{task.__proto__}}", {})).toBe("https://crm.example/?x=&y=");
  });
});

describe("flattenAttributes", () => {
  it("nested objects and arrays become dotted keys, in stored order", () => {
    expect(flattenAttributes(attributes)).toEqual([
      { key: "from", value: "+1 555 0100" },
      { key: "name", value: "Ann & Co" },
      { key: "customers.profile_sid", value: "PR1" },
      { key: "customers.email", value: "ann@example.com" },
      { key: "customers.tier", value: "3" },
      { key: "customers.vip", value: "true" },
      { key: "history.0.channel", value: "sms" },
      { key: "evil", value: "javascript:alert(1)" },
    ]);
  });

  it.each([
    [{ a: null }, [{ key: "a", value: "" }]],
    [{ a: {} }, [{ key: "a", value: "" }]],
    [{ a: [] }, [{ key: "a", value: "" }]],
    [
      { a: [1, "two"] },
      [
        { key: "a.0", value: "1" },
        { key: "a.1", value: "two" },
      ],
    ],
    [{}, []],
  ])("%j → %j", (input, expected) => {
    expect(flattenAttributes(input)).toEqual(expected);
  });

  it("stops descending at a depth limit instead of recursing without end", () => {
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 20; i++) deep = { n: deep };
    const rows = flattenAttributes(deep);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key.split(".")).toHaveLength(8);
    expect(rows[0]!.value).toContain('"leaf":"x"');
  });
});

describe("unverifiedOf and isUnverified", () => {
  const said = { name: "Grace", email: "grace@example.com" };
  it.each([
    // attributes, what the visitor said, whether the name shown is only their word
    [
      { name: "Grace", customers: { name: null, email: null, unverified: said } },
      { name: "Grace", email: "grace@example.com", phone: null },
      true,
    ],
    [
      { name: "Grace", customers: { name: "Grace Hopper", unverified: said } },
      { name: "Grace", email: "grace@example.com", phone: null },
      false,
    ], // the profile knows her
    [{ name: "Grace", customers: { email: "grace@example.com" } }, null, false], // a signed identity: nothing unverified
    [{ customers: { unverified: { email: 7, phone: "" } } }, null, false], // nothing usable
    [{ customers: { unverified: "grace" } }, null, false],
    [{ customers: Object.assign(Object.create({ unverified: said }), {}) }, null, false], // inherited, not the task's
    [{}, null, false],
  ])("%j → %j, %s", (attributes, expected, unverified) => {
    expect(unverifiedOf(attributes)).toEqual(expected);
    expect(isUnverified(attributes)).toBe(unverified);
  });
});
