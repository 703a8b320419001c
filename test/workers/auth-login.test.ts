/**
 * Password sign-in over HTTP inside workerd: the session cookie and its flags, the same 401 for an
 * unknown email and a wrong password, the rate limit (429 + Retry-After), disabled users, /me, logout,
 * cross-site refusal, the first admin from the environment, and the live-connection token each role gets.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { verifyRealtimeToken } from "../../workers/auth/tokens";
import { BASIC, call, makeUser, ORIGIN, signIn, team } from "./auth-helpers";

const PASSWORD = "agent-password-1";
let workspaceSid: string;
let workers: [string, string];
let agent: { sid: string };

beforeAll(async () => {
  ({ workspaceSid, workers } = await team());
  agent = await makeUser({
    Email: "ada@example.com",
    FriendlyName: "Ada",
    Role: "agent",
    WorkspaceSid: workspaceSid,
    WorkerSid: workers[0],
    Password: PASSWORD,
  });
  await makeUser({ Email: "sup@example.com", Role: "supervisor", WorkspaceSid: workspaceSid, Password: PASSWORD });
});

describe("POST /api/auth/login", () => {
  it.each([
    ["JSON", { json: { email: "ada@example.com", password: PASSWORD } }],
    ["a form, email in another case", { form: { email: "ADA@Example.com", password: PASSWORD } }],
  ])("signs in with %s and sets an HttpOnly, SameSite=Lax cookie for 12 hours", async (_, body) => {
    const reply = await call("POST", "/api/auth/login", { ...body, ip: "192.0.2.1" });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toMatchObject({
      sid: agent.sid,
      email: "ada@example.com",
      role: "agent",
      worker_sid: workers[0],
      has_password: true,
    });
    expect(JSON.stringify(reply.body)).not.toContain("pbkdf2");
    expect(reply.headers.get("set-cookie")).toMatch(/^sb_session=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; SameSite=Lax; Path=\/; Max-Age=43200$/);
  });

  it("marks the cookie Secure over https", async () => {
    const res = await app.request(
      "https://desk.example.com/api/auth/login",
      {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://desk.example.com" },
        body: JSON.stringify({ email: "ada@example.com", password: PASSWORD }),
      },
      env,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/; Secure$/);
  });

  it("answers the same 401 for a wrong password and an unknown email", async () => {
    const wrong = await call("POST", "/api/auth/login", { json: { email: "ada@example.com", password: "nope" }, ip: "192.0.2.2" });
    const unknown = await call("POST", "/api/auth/login", { json: { email: "nobody@example.com", password: PASSWORD }, ip: "192.0.2.2" });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toMatchObject({ code: 20003, message: "Invalid email or password" });
    expect(wrong.cookie).toBeNull();
  });

  it.each([
    ["no body", {}, "Missing required parameter email"],
    ["no password", { json: { email: "ada@example.com" } }, "Missing required parameter password"],
    ["an unknown field", { json: { email: "a@b.c", password: "x", remember: true } }, "Unknown parameter remember"],
  ])("answers 400 for %s", async (_, body, message) => {
    const reply = await call("POST", "/api/auth/login", body);
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe(message);
  });

  it("refuses a client's 6th try for one email within 15 minutes with 429 and Retry-After, even with the right password", async () => {
    await makeUser({ Email: "target@example.com", Role: "supervisor", WorkspaceSid: workspaceSid, Password: PASSWORD });
    for (let i = 0; i < 5; i++) {
      expect(
        (await call("POST", "/api/auth/login", { json: { email: "target@example.com", password: `guess-${i}` }, ip: "198.51.100.8" }))
          .status,
      ).toBe(401);
    }
    const refused = await call("POST", "/api/auth/login", {
      json: { email: "target@example.com", password: PASSWORD },
      ip: "198.51.100.8",
    });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    // The first failure was just now: it leaves the 15-minute window in at most 900 s.
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(refused.body).toMatchObject({ code: 20429, status: 429, retry_after: retryAfter });
  });

  // 11 sign-ins, each a PBKDF2 check: about 2 s on a loaded 2-core machine.
  it("never locks the real user out for a stranger's wrong passwords from another client", async () => {
    await makeUser({ Email: "victim@example.com", Role: "agent", WorkspaceSid: workspaceSid, WorkerSid: workers[1], Password: PASSWORD });
    // A stranger guesses from five addresses, then five more times from one.
    for (let i = 0; i < 5; i++)
      await call("POST", "/api/auth/login", { json: { email: "victim@example.com", password: `x${i}` }, ip: `198.51.100.${20 + i}` });
    for (let i = 0; i < 5; i++)
      await call("POST", "/api/auth/login", { json: { email: "victim@example.com", password: `y${i}` }, ip: "198.51.100.30" });
    expect(
      (await call("POST", "/api/auth/login", { json: { email: "victim@example.com", password: PASSWORD }, ip: "198.51.100.30" })).status,
    ).toBe(429);
    // The agent, from their own desk, signs in at once.
    const own = await call("POST", "/api/auth/login", { json: { email: "victim@example.com", password: PASSWORD }, ip: "192.0.2.200" });
    expect(own.status).toBe(200);
    expect(own.cookie).not.toBeNull();
  }, 15_000);

  // 21 sign-ins, each a PBKDF2 check: about 4 s on a loaded 2-core machine.
  it("refuses a 21st failure from one client, whatever the email", async () => {
    for (let i = 0; i < 20; i++)
      await call("POST", "/api/auth/login", { json: { email: `guess${i}@example.com`, password: "x" }, ip: "203.0.113.50" });
    const refused = await call("POST", "/api/auth/login", { json: { email: "ada@example.com", password: PASSWORD }, ip: "203.0.113.50" });
    expect(refused.status).toBe(429);
    expect(
      (await call("POST", "/api/auth/login", { json: { email: "ada@example.com", password: PASSWORD }, ip: "203.0.113.51" })).status,
    ).toBe(200);
  }, 15_000);

  it("tells a disabled user so, once the password is right", async () => {
    const user = await makeUser({
      Email: "gone@example.com",
      Role: "supervisor",
      WorkspaceSid: workspaceSid,
      Password: PASSWORD,
      Disabled: "true",
    });
    expect(user.disabled).toBe(true);
    expect(
      (await call("POST", "/api/auth/login", { json: { email: "gone@example.com", password: "wrong" }, ip: "192.0.2.7" })).status,
    ).toBe(401);
    const reply = await call("POST", "/api/auth/login", { json: { email: "gone@example.com", password: PASSWORD }, ip: "192.0.2.7" });
    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain("disabled");
  });

  it("refuses a sign-in posted from another site", async () => {
    const reply = await call("POST", "/api/auth/login", {
      json: { email: "ada@example.com", password: PASSWORD },
      origin: "https://evil.example",
    });
    expect(reply.status).toBe(403);
    expect(reply.cookie).toBeNull();
  });
});

describe("the first admin from the environment", () => {
  it("is created on the first sign-in with ADMIN_EMAIL and ADMIN_PASSWORD, and never overwritten", async () => {
    expect(env.ADMIN_EMAIL).toBe("root@switchboard.test");
    expect((await call("POST", "/api/auth/login", { json: { email: env.ADMIN_EMAIL!, password: "wrong" }, ip: "192.0.2.30" })).status).toBe(
      401,
    );
    const cookie = await signIn(env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!);
    const me = await call("GET", "/api/auth/me", { cookie });
    expect(me.body.user).toMatchObject({ email: "root@switchboard.test", role: "admin", workspace_sid: null });
    // The admin changes their password: the environment's no longer works.
    const sid = (me.body.user as { sid: string }).sid;
    expect((await call("POST", `/api/users/${sid}`, { cookie, form: { Password: "a-new-admin-password" } })).status).toBe(200);
    expect(
      (await call("POST", "/api/auth/login", { json: { email: env.ADMIN_EMAIL!, password: env.ADMIN_PASSWORD! }, ip: "192.0.2.31" }))
        .status,
    ).toBe(401);
    await signIn(env.ADMIN_EMAIL!, "a-new-admin-password");
  });
});

describe("GET /api/auth/me and POST /api/auth/logout", () => {
  it("names the user, their workspace and worker; logout clears the cookie", async () => {
    const cookie = await signIn("ada@example.com", PASSWORD);
    const me = await call("GET", "/api/auth/me", { cookie, origin: null });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ sid: agent.sid, role: "agent" });
    expect(me.body.workspace).toMatchObject({ sid: workspaceSid });
    expect(me.body.worker).toMatchObject({ sid: workers[0], friendly_name: "Ada" });

    const out = await call("POST", "/api/auth/logout", { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toBe("sb_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
  });

  it.each([
    ["no cookie", null],
    ["a forged cookie", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVUzAwIn0.c2lnbmF0dXJl"],
    ["garbage", "not-a-jwt"],
  ])("answers 401 with %s", async (_, cookie) => {
    expect((await call("GET", "/api/auth/me", { cookie })).status).toBe(401);
  });

  it("stops a session at once when its user is disabled or deleted", async () => {
    const user = await makeUser({ Email: "temp@example.com", Role: "supervisor", WorkspaceSid: workspaceSid, Password: PASSWORD });
    const cookie = await signIn("temp@example.com", PASSWORD);
    expect((await call("GET", "/api/auth/me", { cookie })).status).toBe(200);
    await call("POST", `/api/users/${user.sid}`, { authorization: BASIC, origin: null, form: { Disabled: "true" } });
    expect((await call("GET", "/api/auth/me", { cookie })).status).toBe(401);
    await call("DELETE", `/api/users/${user.sid}`, { authorization: BASIC, origin: null });
    expect((await call("POST", "/api/auth/token", { cookie })).status).toBe(401);
  });

  it("refuses a logout from another site", async () => {
    expect((await call("POST", "/api/auth/logout", { origin: "https://evil.example" })).status).toBe(403);
  });
});

describe("POST /api/auth/token", () => {
  it("gives an agent a worker token for their own worker", async () => {
    const cookie = await signIn("ada@example.com", PASSWORD);
    const reply = await call("POST", "/api/auth/token", { cookie });
    expect(reply.status).toBe(200);
    expect(reply.body.identity).toMatchObject({ workspace_sid: workspaceSid, role: "worker", worker_sid: workers[0] });
    const check = await verifyRealtimeToken(env, reply.body.token as string);
    expect(check.ok && check.identity).toMatchObject({ role: "worker", workerSid: workers[0], workspaceSid });
    // An agent cannot ask for another workspace.
    expect((await call("POST", "/api/auth/token", { cookie, form: { WorkspaceSid: "WS" + "0".repeat(32) } })).status).toBe(403);
  });

  it("gives a supervisor a supervisor token for their workspace", async () => {
    const cookie = await signIn("sup@example.com", PASSWORD);
    const reply = await call("POST", "/api/auth/token", { cookie });
    expect(reply.body.identity).toMatchObject({ workspace_sid: workspaceSid, role: "supervisor", worker_sid: null });
  });

  it("serves a supervisor linked to a worker both views: the feed by default, their worker's channel with View=agent", async () => {
    await makeUser({
      Email: "lead@example.com",
      Role: "supervisor",
      WorkspaceSid: workspaceSid,
      WorkerSid: workers[1]!,
      Password: PASSWORD,
    });
    const cookie = await signIn("lead@example.com", PASSWORD);
    const feed = await call("POST", "/api/auth/token", { cookie });
    expect(feed.body.identity).toMatchObject({ role: "supervisor", worker_sid: null });
    const channel = await call("POST", "/api/auth/token", { cookie, form: { View: "agent" } });
    expect(channel.body.identity).toMatchObject({ role: "supervisor", worker_sid: workers[1] });
  });

  it.each([
    ["an agent asking for the supervisors' feed", "ada@example.com", "supervisor", 403],
    ["a supervisor with no worker asking for an agent's channel", "sup@example.com", "agent", 400],
    ["an unknown view", "ada@example.com", "boss", 400],
  ])("refuses %s", async (_, email, view, status) => {
    const cookie = await signIn(email, PASSWORD);
    expect((await call("POST", "/api/auth/token", { cookie, form: { View: view } })).status).toBe(status);
  });

  it("lets an admin choose the workspace, and asks for one when they have none", async () => {
    const admin = await makeUser({ Email: "boss@example.com", Role: "admin", Password: PASSWORD });
    expect(admin.workspace_sid).toBeNull();
    const cookie = await signIn("boss@example.com", PASSWORD);
    expect((await call("POST", "/api/auth/token", { cookie })).status).toBe(400);
    const reply = await call("POST", "/api/auth/token", { cookie, json: { WorkspaceSid: workspaceSid } });
    expect(reply.body.identity).toMatchObject({ workspace_sid: workspaceSid, role: "supervisor" });
    expect((await call("POST", "/api/auth/token", { cookie, json: { WorkspaceSid: "WS" + "0".repeat(32) } })).status).toBe(404);
  });

  it.each([
    ["no Origin", null],
    ["another site's Origin", "https://evil.example"],
    ["a look-alike Origin", `${ORIGIN}.evil.example`],
  ])("refuses a cookie-authenticated POST with %s (CSRF)", async (_, origin) => {
    const cookie = await signIn("ada@example.com", PASSWORD);
    const reply = await call("POST", "/api/auth/token", { cookie, origin });
    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain("Cross-site");
  });
});

describe("/openapi.json for sign-in", () => {
  type Doc = {
    paths: Record<string, Record<string, { security: Record<string, string[]>[] }>>;
    components: { securitySchemes: Record<string, Record<string, string>> };
  };
  const security = async () => {
    const doc = (await (await app.request(`${ORIGIN}/openapi.json`, {}, env)).json()) as Doc;
    return { doc, of: (method: string, path: string) => doc.paths[path]?.[method]?.security };
  };

  it("describes login and SSO as public: no Basic credentials, no session", async () => {
    const { of } = await security();
    expect(of("post", "/api/auth/login")).toEqual([]);
    expect(of("post", "/api/auth/sso")).toEqual([]);
  });

  it("describes the signed-in routes with the session cookie, and the users API as Basic or session", async () => {
    const { doc, of } = await security();
    expect(doc.components.securitySchemes.session).toEqual({ type: "apiKey", in: "cookie", name: "sb_session" });
    for (const [method, path] of [
      ["get", "/api/auth/me"],
      ["post", "/api/auth/token"],
      ["post", "/api/auth/logout"],
    ]) {
      expect(of(method!, path!), `${method} ${path}`).toEqual([{ session: [] }]);
    }
    expect(of("post", "/api/users")).toEqual([{ basic: [] }, { session: [] }]);
    expect(of("get", "/api/users/{UserSid}")).toEqual([{ basic: [] }, { session: [] }]);
  });
});
