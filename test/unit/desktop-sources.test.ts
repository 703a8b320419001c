/**
 * Where the account lets the agent desktop load code and frames from (its document's CSP): each enabled
 * plugin's origin and each workspace's CRM origin, once, across workspaces.
 */
import { describe, expect, it } from "vitest";
import { crmOrigins, putDesktopSettings } from "../../durable-objects/account/desktop-settings";
import { createPlugin, pluginOrigins, updatePlugin } from "../../durable-objects/account/plugins";
import { accountHost } from "./auth/account-host";

const WS1 = "WS" + "1".repeat(32);
const WS2 = "WS" + "2".repeat(32);
const T0 = Date.UTC(2026, 0, 1);

describe("pluginOrigins", () => {
  it("lists each enabled plugin's origin once, whatever the workspace; a disabled one is left out", () => {
    const host = accountHost();
    createPlugin(host, WS1, { url: "https://cdn.example.com/a.js" }, T0);
    createPlugin(host, WS2, { url: "https://cdn.example.com/b/c.js" }, T0);
    createPlugin(host, WS2, { url: "http://localhost:5173/dev.js" }, T0);
    const off = createPlugin(host, WS1, { url: "https://off.example.com/x.js" }, T0);
    if (!off.ok) throw new Error(off.message);
    updatePlugin(host, WS1, off.value.sid, { enabled: false }, T0);
    expect(pluginOrigins(host)).toEqual(["http://localhost:5173", "https://cdn.example.com"]);
  });
});

describe("crmOrigins", () => {
  it("lists each workspace's CRM origin once, placeholders left out", () => {
    const host = accountHost();
    putDesktopSettings(host, WS1, { crmUrlTemplate: "https://crm.example.com/c?phone={{task.from}}" }, T0);
    putDesktopSettings(host, WS2, { crmUrlTemplate: "https://crm.example.com/c/{{task.customers.email}}" }, T0);
    expect(crmOrigins(host)).toEqual(["https://crm.example.com"]);
    putDesktopSettings(host, WS2, { crmUrlTemplate: null }, T0);
    expect(crmOrigins(host)).toEqual(["https://crm.example.com"]);
    expect(crmOrigins(accountHost())).toEqual([]);
  });
});
