/**
 * Sessions end when they should, at once, through the Worker with the real AccountDO: signing out kills
 * that cookie (even replayed), "sign out everywhere" kills every cookie of the user, a new password
 * kills the other sessions (the admin who set their own keeps theirs), disabling kills them all for
 * good, and a live-connection token minted from an ended session no longer refreshes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BASIC, call, makeUser, signIn, team } from "./auth-helpers";

const PASSWORD = "agent-password-1";
let workspaceSid: string;
let workers: [string, string];

beforeAll(async () => {
  ({ workspaceSid, workers } = await team());
});

const me = async (cookie: string) => (await call("GET", "/api/auth/me", { cookie })).status;
const refresh = async (token: string) => call("POST", "/api/tokens/refresh", { authorization: `Bearer ${token}`, origin: null });

async function supervisor(email: string): Promise<{ sid: string }> {
  return makeUser({ Email: email, Role: "supervisor", WorkspaceSid: workspaceSid, Password: PASSWORD });
}

describe("POST /api/auth/logout", () => {
  it("ends that session: the same cookie, sent again, is refused; another device stays signed in", async () => {
    await supervisor("out@example.com");
    const laptop = await signIn("out@example.com", PASSWORD);
    const phone = await signIn("out@example.com", PASSWORD);
    const out = await call("POST", "/api/auth/logout", { cookie: laptop });
    expect(out.status).toBe(204);
    const replayed = await call("GET", "/api/auth/me", { cookie: laptop });
    expect(replayed.status).toBe(401);
    expect(replayed.body.message).toBe("This session has ended: sign in again");
    expect(await me(phone)).toBe(200);
  });

  it("stops the live-connection token minted from that session from refreshing", async () => {
    await makeUser({ Email: "tok@example.com", Role: "agent", WorkspaceSid: workspaceSid, WorkerSid: workers[0], Password: PASSWORD });
    const cookie = await signIn("tok@example.com", PASSWORD);
    const token = (await call("POST", "/api/auth/token", { cookie })).body.token as string;
    expect((await refresh(token)).status).toBe(200);
    await call("POST", "/api/auth/logout", { cookie });
    const refused = await refresh(token);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toContain("has ended");
  });
});

describe("POST /api/auth/logout-all (sign out everywhere)", () => {
  it("ends every session of the user, this one included, and clears the cookie; other users stay signed in", async () => {
    await supervisor("all@example.com");
    await supervisor("bystander@example.com");
    const [a, b, c] = [
      await signIn("all@example.com", PASSWORD),
      await signIn("all@example.com", PASSWORD),
      await signIn("all@example.com", PASSWORD),
    ];
    const bystander = await signIn("bystander@example.com", PASSWORD);
    const out = await call("POST", "/api/auth/logout-all", { cookie: b });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toBe("sb_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    expect([await me(a), await me(b), await me(c)]).toEqual([401, 401, 401]);
    expect(await me(bystander)).toBe(200);
    // Signing in again works: it was the sessions that ended, not the user.
    expect(await me(await signIn("all@example.com", PASSWORD))).toBe(200);
  });

  it.each([
    ["without a session", { cookie: null }, 401],
    ["from another site", { origin: "https://evil.example" }, 403],
    ["with a parameter it does not take", { form: { Everyone: "true" } }, 400],
  ])("refuses a request %s, and ends nothing", async (_, options, status) => {
    await supervisor(`keep-${status}@example.com`);
    const cookie = await signIn(`keep-${status}@example.com`, PASSWORD);
    const reply = await call("POST", "/api/auth/logout-all", { cookie, ...options });
    expect(reply.status).toBe(status);
    expect(await me(cookie)).toBe(200);
  });
});

describe("a new password", () => {
  it("set by an admin for someone else ends all of that person's sessions", async () => {
    const user = await supervisor("reset@example.com");
    const cookie = await signIn("reset@example.com", PASSWORD);
    const reply = await call("POST", `/api/users/${user.sid}`, {
      authorization: BASIC,
      origin: null,
      form: { Password: "a-brand-new-pass" },
    });
    expect(reply.status).toBe(200);
    expect(await me(cookie)).toBe(401);
    expect(await me(await signIn("reset@example.com", "a-brand-new-pass"))).toBe(200);
  });

  it("set by an admin for themselves ends their other sessions and keeps the one they used", async () => {
    const admin = await makeUser({ Email: "self@example.com", Role: "admin", Password: PASSWORD });
    const here = await signIn("self@example.com", PASSWORD);
    const elsewhere = await signIn("self@example.com", PASSWORD);
    expect((await call("POST", `/api/users/${admin.sid}`, { cookie: here, form: { Password: "another-password" } })).status).toBe(200);
    expect(await me(here)).toBe(200);
    expect(await me(elsewhere)).toBe(401);
  });

  it("is not touched by a change that fails validation", async () => {
    const user = await supervisor("bad-change@example.com");
    const cookie = await signIn("bad-change@example.com", PASSWORD);
    const reply = await call("POST", `/api/users/${user.sid}`, {
      authorization: BASIC,
      origin: null,
      form: { Password: "a-valid-password", Role: "owner" },
    });
    expect(reply.status).toBe(400);
    expect(await me(cookie)).toBe(200);
  });
});

describe("disabling a user", () => {
  it("ends their sessions for good: enabling them again does not bring the old cookie back", async () => {
    const user = await supervisor("paused@example.com");
    const cookie = await signIn("paused@example.com", PASSWORD);
    await call("POST", `/api/users/${user.sid}`, { authorization: BASIC, origin: null, form: { Disabled: "true" } });
    await call("POST", `/api/users/${user.sid}`, { authorization: BASIC, origin: null, form: { Disabled: "false" } });
    expect(await me(cookie)).toBe(401);
    expect(await me(await signIn("paused@example.com", PASSWORD))).toBe(200);
  });
});
