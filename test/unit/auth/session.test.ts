/** Session JWTs and cookies: the claims, the lifetime, forgery and another deployment's key, the cookie flags. */
import { SignJWT, decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import type { UserRecord } from "../../../durable-objects/account/users";
import { cookieValue, mintSession, readSession, SESSION_TTL, sessionCookie, sessionKey } from "../../../workers/auth/session";

const ACCOUNT = "AC" + "5".repeat(32);
const TOKEN = "auth-token";
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const user: UserRecord = {
  sid: "US" + "a".repeat(32),
  email: "ada@example.com",
  friendly_name: "Ada",
  role: "agent",
  workspace_sid: "WS" + "1".repeat(32),
  worker_sid: "WK" + "2".repeat(32),
  has_password: true,
  disabled: false,
  date_created: "2026-03-02T09:00:00Z",
  date_updated: "2026-03-02T09:00:00Z",
};

const SESSION = "SE" + "b".repeat(32);

describe("session JWT", () => {
  it("carries sub, the server-side session sid, role, ws, wk, name, iat and exp = iat + 12 h", async () => {
    const jwt = await mintSession(user, SESSION, TOKEN, ACCOUNT, T0);
    // T0 is 1772442000 s; 12 h later is 1772485200.
    expect(decodeJwt(jwt)).toEqual({
      sub: user.sid,
      sid: SESSION,
      role: "agent",
      ws: user.workspace_sid,
      wk: user.worker_sid,
      name: "Ada",
      iat: 1772442000,
      exp: 1772485200,
    });
    expect(await readSession(jwt, TOKEN, ACCOUNT, T0 + 1000)).toMatchObject({ sub: user.sid, sid: SESSION, role: "agent" });
  });

  it.each([
    ["expired", async () => mintSession(user, SESSION, TOKEN, ACCOUNT, T0), T0 + SESSION_TTL * 1000],
    ["signed for another account", async () => mintSession(user, SESSION, TOKEN, "AC" + "6".repeat(32), T0), T0],
    ["signed under another auth token", async () => mintSession(user, SESSION, "rotated", ACCOUNT, T0), T0],
    [
      "signed with the raw auth token",
      async () =>
        new SignJWT({ role: "admin", name: "x" })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(user.sid)
          .setIssuedAt(T0 / 1000)
          .setExpirationTime(T0 / 1000 + 60)
          .sign(new TextEncoder().encode(TOKEN)),
      T0,
    ],
    [
      "without a server-side session (a cookie from before sessions were kept)",
      async () =>
        new SignJWT({ role: "agent", name: "Ada" })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(user.sid)
          .setIssuedAt(T0 / 1000)
          .setExpirationTime(T0 / 1000 + 60)
          .sign(await sessionKey(TOKEN, ACCOUNT)),
      T0,
    ],
    ["with an alg of none", async () => `${btoa('{"alg":"none"}')}.${btoa(JSON.stringify({ sub: user.sid, role: "admin" }))}.`, T0],
    ["not a JWT", async () => "garbage", T0],
    [
      "living longer than 12 h",
      async () =>
        new SignJWT({ role: "admin", name: "x" })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(user.sid)
          .setIssuedAt(T0 / 1000)
          .setExpirationTime(T0 / 1000 + SESSION_TTL + 1)
          .sign(await sessionKey(TOKEN, ACCOUNT)),
      T0,
    ],
  ])("refuses a session %s", async (_, make, now) => {
    expect(await readSession(await make(), TOKEN, ACCOUNT, now)).toBeNull();
  });
});

describe("session cookie", () => {
  it.each([
    ["http://127.0.0.1:8787/api/auth/login", "sb_session=J; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200"],
    ["https://desk.example.com/api/auth/login", "sb_session=J; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200; Secure"],
  ])("on %s: %s", (url, expected) => {
    expect(sessionCookie("J", url)).toBe(expected);
  });

  it("is cleared with Max-Age=0 and read back from a Cookie header", () => {
    expect(sessionCookie(null, "https://x.example")).toBe("sb_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure");
    expect(cookieValue("theme=dark; sb_session=abc.def.ghi; other=1")).toBe("abc.def.ghi");
    expect(cookieValue("sb_session_old=1")).toBeNull();
    expect(cookieValue(undefined)).toBeNull();
  });
});
