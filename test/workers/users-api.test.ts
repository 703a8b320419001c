/**
 * /api/users: admins manage users with a session or the account's Basic credentials; a supervisor
 * reads their own workspace's users; an agent is refused; worker links are checked through the Router;
 * passwords never come back.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BASIC, call, makeUser, signIn, team } from "./auth-helpers";

const PASSWORD = "users-api-password";
let ws: string;
let workers: [string, string];
let otherWs: string;
let admin: string;
let supervisor: string;
let agent: string;
let agentSid: string;

beforeAll(async () => {
  ({ workspaceSid: ws, workers } = await team());
  ({ workspaceSid: otherWs } = await team());
  await makeUser({ Email: "admin@users.test", Role: "admin", Password: PASSWORD });
  await makeUser({ Email: "sup@users.test", Role: "supervisor", WorkspaceSid: ws, Password: PASSWORD });
  agentSid = (await makeUser({ Email: "agent@users.test", Role: "agent", WorkspaceSid: ws, WorkerSid: workers[0], Password: PASSWORD }))
    .sid;
  await makeUser({ Email: "elsewhere@users.test", Role: "supervisor", WorkspaceSid: otherWs, Password: PASSWORD });
  admin = await signIn("admin@users.test", PASSWORD);
  supervisor = await signIn("sup@users.test", PASSWORD);
  agent = await signIn("agent@users.test", PASSWORD);
});

const emails = (body: Record<string, unknown>) => (body.users as { email: string }[]).map((u) => u.email).sort();

describe("/api/users", () => {
  it("lets an admin session create, read, update and delete a user", async () => {
    const created = await call("POST", "/api/users", {
      cookie: admin,
      json: {
        Email: "new@users.test",
        FriendlyName: "New",
        Role: "agent",
        WorkspaceSid: ws,
        WorkerSid: workers[1],
        Password: "first-password",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: "new@users.test",
      role: "agent",
      worker_sid: workers[1],
      has_password: true,
      disabled: false,
    });
    expect(created.body).not.toHaveProperty("password_hash");
    const sid = created.body.sid as string;
    expect(sid).toMatch(/^US[0-9a-f]{32}$/);

    expect((await call("GET", `/api/users/${sid}`, { cookie: admin })).body).toMatchObject({ sid, email: "new@users.test" });
    const updated = await call("POST", `/api/users/${sid}`, {
      cookie: admin,
      form: { Role: "supervisor", WorkerSid: "", Password: "second-password" },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ role: "supervisor", worker_sid: null });
    await signIn("new@users.test", "second-password");

    expect((await call("DELETE", `/api/users/${sid}`, { cookie: admin })).status).toBe(204);
    expect((await call("GET", `/api/users/${sid}`, { cookie: admin })).status).toBe(404);
    expect((await call("DELETE", `/api/users/${sid}`, { cookie: admin })).status).toBe(404);
  });

  it("lets the account's Basic credentials do the same", async () => {
    const list = await call("GET", "/api/users?PageSize=2", { authorization: BASIC, origin: null });
    expect(list.status).toBe(200);
    expect((list.body.users as unknown[]).length).toBe(2);
    expect((list.body.meta as { next_page_url: string | null }).next_page_url).toContain("PageToken=");
    expect(JSON.stringify(list.body)).not.toContain("pbkdf2");
  });

  it("shows a supervisor only their own workspace's users, read-only", async () => {
    const list = await call("GET", "/api/users", { cookie: supervisor });
    expect(emails(list.body)).toEqual(["agent@users.test", "sup@users.test"]);
    expect((await call("GET", `/api/users?WorkspaceSid=${otherWs}`, { cookie: supervisor })).status).toBe(403);
    expect((await call("GET", `/api/users/${agentSid}`, { cookie: supervisor })).status).toBe(200);
    const write = await call("POST", "/api/users", { cookie: supervisor, form: { Email: "x@users.test", Role: "admin" } });
    expect(write.status).toBe(403);
  });

  it.each([
    ["GET", "/api/users"],
    ["POST", "/api/users"],
    ["DELETE", "/api/users/US" + "0".repeat(32)],
  ])("refuses an agent: %s %s → 403", async (method, path) => {
    const reply = await call(method, path, {
      cookie: agent,
      ...(method === "POST" ? { form: { Email: "x@users.test", Role: "admin" } } : {}),
    });
    expect(reply.status).toBe(403);
  });

  it("lets an agent read only themselves", async () => {
    expect((await call("GET", `/api/users/${agentSid}`, { cookie: agent })).status).toBe(200);
  });

  it.each([
    ["no credentials", {}, 401],
    ["a wrong Basic password", { authorization: "Basic " + btoa("AC" + "5".repeat(32) + ":wrong") }, 401],
  ])("refuses %s", async (_, options, status) => {
    expect((await call("GET", "/api/users", { origin: null, ...options })).status).toBe(status);
  });

  it.each<[string, Record<string, string>, number, string]>([
    ["an agent without a worker", { Email: "a1@users.test", Role: "agent", WorkspaceSid: "WS" }, 400, "WorkerSid"],
    ["an agent without a workspace", { Email: "a2@users.test", Role: "agent" }, 400, "WorkspaceSid"],
    [
      "a worker of another workspace",
      { Email: "a3@users.test", Role: "agent", WorkspaceSid: "OTHER", WorkerSid: "W0" },
      400,
      "is not in workspace",
    ],
    [
      "a workspace that does not exist",
      { Email: "a4@users.test", Role: "supervisor", WorkspaceSid: "WS" + "0".repeat(32) },
      400,
      "does not exist",
    ],
    ["a taken email, in another case", { Email: "ADMIN@users.test", Role: "admin" }, 409, "already exists"],
    ["an invalid email", { Email: "not an email", Role: "admin" }, 400, "Email"],
    ["an unknown role", { Email: "r@users.test", Role: "owner" }, 400, "Role"],
    ["a short password", { Email: "p@users.test", Role: "admin", Password: "short" }, 400, "Password"],
  ])("refuses %s", async (_, form, status, message) => {
    const resolved = Object.fromEntries(
      Object.entries(form).map(([k, v]) => [k, v === "WS" ? ws : v === "OTHER" ? otherWs : v === "W0" ? workers[0] : v]),
    );
    const reply = await call("POST", "/api/users", { authorization: BASIC, origin: null, form: resolved });
    expect(reply.status).toBe(status);
    expect(reply.body.message).toContain(message);
  });

  it("does not let an admin disable, demote or delete themselves", async () => {
    const me = (await call("GET", "/api/auth/me", { cookie: admin })).body.user as { sid: string };
    expect((await call("POST", `/api/users/${me.sid}`, { cookie: admin, form: { Disabled: "true" } })).status).toBe(400);
    expect((await call("POST", `/api/users/${me.sid}`, { cookie: admin, form: { Role: "agent" } })).status).toBe(400);
    expect((await call("DELETE", `/api/users/${me.sid}`, { cookie: admin })).status).toBe(400);
  });

  it("refuses a cookie-authenticated change from another site (CSRF)", async () => {
    const reply = await call("DELETE", `/api/users/${agentSid}`, { cookie: admin, origin: "https://evil.example" });
    expect(reply.status).toBe(403);
    expect((await call("GET", `/api/users/${agentSid}`, { cookie: admin })).status).toBe(200);
  });

  it("answers 404 for a malformed user SID", async () => {
    expect((await call("GET", "/api/users/nope", { cookie: admin })).status).toBe(404);
  });
});
