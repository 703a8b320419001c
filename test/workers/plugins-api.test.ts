/**
 * /api/workspaces/:WorkspaceSid/plugins: admins (session or Basic) register plugin URLs; users of the
 * workspace read them; other workspaces' users and agents cannot change them; URLs must be https.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BASIC, call, makeUser, signIn, team } from "./auth-helpers";

const PASSWORD = "plugins-api-password";
let ws: string;
let otherWs: string;
let admin: string;
let agent: string;
let stranger: string;

beforeAll(async () => {
  let workers: [string, string];
  ({ workspaceSid: ws, workers } = await team());
  ({ workspaceSid: otherWs } = await team());
  await makeUser({ Email: "admin@plugins.test", Role: "admin", Password: PASSWORD });
  await makeUser({ Email: "agent@plugins.test", Role: "agent", WorkspaceSid: ws, WorkerSid: workers[0], Password: PASSWORD });
  await makeUser({ Email: "stranger@plugins.test", Role: "supervisor", WorkspaceSid: otherWs, Password: PASSWORD });
  admin = await signIn("admin@plugins.test", PASSWORD);
  agent = await signIn("agent@plugins.test", PASSWORD);
  stranger = await signIn("stranger@plugins.test", PASSWORD);
});

const base = () => `/api/workspaces/${ws}/plugins`;

describe("plugins", () => {
  it("live from registration to deletion", async () => {
    const created = await call("POST", base(), { cookie: admin, form: { Url: "https://cdn.example.com/crm.js", FriendlyName: "CRM" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ workspace_sid: ws, url: "https://cdn.example.com/crm.js", friendly_name: "CRM", enabled: true });
    const sid = created.body.sid as string;
    expect(sid).toMatch(/^FP[0-9a-f]{32}$/);

    // The agent's desktop reads the list; Basic too.
    const listed = await call("GET", base(), { cookie: agent });
    expect((listed.body.plugins as { sid: string }[]).map((p) => p.sid)).toEqual([sid]);
    expect((await call("GET", `${base()}/${sid}`, { authorization: BASIC, origin: null })).status).toBe(200);

    const disabled = await call("POST", `${base()}/${sid}`, { authorization: BASIC, origin: null, form: { Enabled: "false" } });
    expect(disabled.body).toMatchObject({ enabled: false, url: "https://cdn.example.com/crm.js" });

    // Not visible through another workspace's path.
    expect((await call("GET", `/api/workspaces/${otherWs}/plugins/${sid}`, { authorization: BASIC, origin: null })).status).toBe(404);

    expect((await call("DELETE", `${base()}/${sid}`, { cookie: admin })).status).toBe(204);
    expect((await call("GET", `${base()}/${sid}`, { cookie: admin })).status).toBe(404);
  });

  it.each([
    ["http://localhost:5173/dev-plugin.js", 201],
    ["http://127.0.0.1:9000/dev-plugin.js", 201],
    ["http://cdn.example.com/plugin.js", 400],
    ["ftp://cdn.example.com/plugin.js", 400],
    ["javascript:alert(1)", 400],
    ["not a url", 400],
  ])("Url %s → %i", async (url, status) => {
    const reply = await call("POST", base(), { authorization: BASIC, origin: null, form: { Url: url } });
    expect(reply.status).toBe(status);
    if (status === 400) expect(reply.body.message).toContain("Url");
  });

  it("refuses changes from agents, reads from other workspaces' users, and cross-site posts", async () => {
    expect((await call("POST", base(), { cookie: agent, form: { Url: "https://cdn.example.com/x.js" } })).status).toBe(403);
    expect((await call("GET", base(), { cookie: stranger })).status).toBe(403);
    expect(
      (await call("POST", base(), { cookie: admin, origin: "https://evil.example", form: { Url: "https://cdn.example.com/x.js" } })).status,
    ).toBe(403);
    expect((await call("GET", base(), { origin: null })).status).toBe(401);
  });

  it.each([
    ["a workspace that does not exist", `/api/workspaces/WS${"0".repeat(32)}/plugins`],
    ["a malformed workspace SID", "/api/workspaces/nope/plugins"],
  ])("answers 404 for %s", async (_, path) => {
    expect((await call("GET", path, { authorization: BASIC, origin: null })).status).toBe(404);
  });

  it("answers 400 without a Url", async () => {
    const reply = await call("POST", base(), { authorization: BASIC, origin: null, form: { FriendlyName: "x" } });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe("Missing required parameter Url");
  });
});
