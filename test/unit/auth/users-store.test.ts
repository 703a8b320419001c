/** The user records' rules (roles, links, unique emails) and the plugin URL rule, over node:sqlite. */
import { describe, expect, it } from "vitest";
import { checkRoleShape, createUser, listUsers, updateUser, type UserRole } from "../../../durable-objects/account/users";
import { createPlugin, listPlugins, pluginUrlProblem } from "../../../durable-objects/account/plugins";
import { accountHost } from "./account-host";

const WS = "WS" + "1".repeat(32);
const WK = "WK" + "2".repeat(32);
const T0 = Date.UTC(2026, 2, 2);

describe("checkRoleShape", () => {
  it.each<[UserRole, string | null, string | null, string | null]>([
    ["agent", WS, WK, null],
    ["agent", WS, null, "WorkerSid"],
    ["agent", null, null, "WorkspaceSid"],
    ["supervisor", WS, null, null],
    ["supervisor", WS, WK, null],
    ["supervisor", null, null, "WorkspaceSid"],
    ["admin", null, null, null],
    ["admin", WS, null, null],
    ["admin", null, WK, "WorkspaceSid"],
    ["agent", "WSnope", WK, "WorkspaceSid"],
  ])("%s in %s as %s → problem with %s", (role, ws, wk, problem) => {
    const result = checkRoleShape(role, ws, wk);
    if (problem === null) expect(result.ok).toBe(true);
    else expect(!result.ok && result.message).toContain(problem);
  });
});

describe("users", () => {
  it("keeps emails unique and lower-cased, and never shows the hash", () => {
    const host = accountHost();
    const ada = createUser(host, { email: "Ada@Example.com", role: "agent", workspaceSid: WS, workerSid: WK }, "pbkdf2-sha256$…", T0);
    expect(ada.ok && ada.value).toMatchObject({ email: "ada@example.com", has_password: true, friendly_name: "ada@example.com" });
    expect(JSON.stringify(ada)).not.toContain("pbkdf2");
    const twice = createUser(host, { email: "ADA@example.com", role: "admin" }, null, T0);
    expect(!twice.ok && twice.status).toBe(409);
    expect(createUser(host, { email: "not-an-email", role: "admin" }, null, T0)).toMatchObject({ ok: false, status: 400 });
  });

  it("checks the rules on the merged record when updating", () => {
    const host = accountHost();
    const made = createUser(host, { email: "sup@example.com", role: "supervisor", workspaceSid: WS }, null, T0);
    if (!made.ok) throw new Error(made.message);
    expect(updateUser(host, made.value.sid, { role: "agent" }, undefined, T0)).toMatchObject({ ok: false, status: 400 });
    const agent = updateUser(host, made.value.sid, { role: "agent", workerSid: WK }, "hash", T0 + 1000);
    expect(agent.ok && agent.value).toMatchObject({ role: "agent", worker_sid: WK, has_password: true });
    expect(listUsers(host, { workspaceSid: "WS" + "9".repeat(32) }, { pageSize: 50, page: 0 })).toMatchObject({
      ok: true,
      value: { items: [] },
    });
  });
});

describe("pluginUrlProblem", () => {
  it.each([
    ["https://cdn.example.com/plugin.js", null],
    ["http://localhost:5173/plugin.js", null],
    ["http://127.0.0.1:8787/p.js", null],
    ["http://[::1]/p.js", null],
    ["http://cdn.example.com/plugin.js", "must be https"],
    ["http://localhost.example.com/p.js", "must be https"],
    ["javascript:alert(1)", "must be https"],
    ["data:text/javascript,alert(1)", "must be https"],
    ["/relative/plugin.js", "absolute URL"],
    ["https://user:pw@cdn.example.com/p.js", "credentials"],
    ["https://cdn.example.com/" + "x".repeat(2048), "at most 2048"],
  ])("%s → %s", (url, problem) => {
    const found = pluginUrlProblem(url);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it("keeps registrations per workspace", () => {
    const host = accountHost();
    createPlugin(host, WS, { url: "https://cdn.example.com/a.js" }, T0);
    expect(listPlugins(host, "WS" + "3".repeat(32), { pageSize: 50, page: 0 })).toMatchObject({ ok: true, value: { items: [] } });
    expect(createPlugin(host, WS, {}, T0)).toMatchObject({ ok: false, status: 400 });
  });
});
