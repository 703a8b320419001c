/**
 * Sign-in with a token the team's own backend signs (SSO): a real API key made with `POST /api/keys`,
 * tokens signed with jose as a backend would, and every way such a token can be wrong.
 */
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { BASIC, call, makeUser, team } from "./auth-helpers";

let key: { sid: string; secret: string };
let other: { sid: string; secret: string };
let workspaceSid: string;

async function newKey(): Promise<{ sid: string; secret: string }> {
  const reply = await call("POST", "/api/keys", { authorization: BASIC, origin: null, form: { FriendlyName: "sso backend" } });
  return reply.body as { sid: string; secret: string };
}

interface Claims {
  sub?: string;
  aud?: string;
  iat?: number;
  exp?: number;
}

/** What a team's backend does: HS256 with the key's secret, the key's SID as kid. */
function sign(claims: Claims, options: { kid?: string; secret?: string; alg?: "HS256" | "HS512" } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub: "sso-agent@example.com", aud: "switchboard", iat: now, exp: now + 300, ...claims };
  return new SignJWT(payload as Record<string, unknown>)
    .setProtectedHeader({ alg: options.alg ?? "HS256", typ: "JWT", ...(options.kid === "" ? {} : { kid: options.kid ?? key.sid }) })
    .sign(new TextEncoder().encode(options.secret ?? key.secret));
}

beforeAll(async () => {
  key = await newKey();
  other = await newKey();
  let workers: [string, string];
  ({ workspaceSid, workers } = await team());
  // SSO-only: no password.
  const user = await makeUser({ Email: "SSO-Agent@example.com", Role: "agent", WorkspaceSid: workspaceSid, WorkerSid: workers[0] });
  expect(user.has_password).toBe(false);
});

describe("POST /api/auth/sso", () => {
  it("signs in the user the token names and sets the session cookie", async () => {
    const reply = await call("POST", "/api/auth/sso", { json: { token: await sign({}) } });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toMatchObject({ email: "sso-agent@example.com", role: "agent" });
    expect(reply.headers.get("set-cookie")).toContain("HttpOnly; SameSite=Lax");
    const me = await call("GET", "/api/auth/me", { cookie: reply.cookie });
    expect(me.body.workspace).toMatchObject({ sid: workspaceSid });
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each<[string, () => Promise<string>, number, string]>([
    ["expired", () => sign({ iat: now() - 400, exp: now() - 100 }), 401, "expired"],
    ["living longer than 10 minutes", () => sign({ exp: now() + 601 }), 401, "at most 600 seconds"],
    ["issued in the future", () => sign({ iat: now() + 300, exp: now() + 600 }), 401, "future"],
    ["for another audience", () => sign({ aud: "someone-else" }), 401, 'aud must be "switchboard"'],
    ["without kid", () => sign({}, { kid: "" }), 401, "kid"],
    ["naming another key as kid", () => sign({}, { kid: other.sid }), 401, "signature does not match"],
    ["naming an unknown key", () => sign({}, { kid: "SK" + "0".repeat(32) }), 401, "signature does not match"],
    ["signed with the wrong secret", () => sign({}, { secret: "not-the-secret" }), 401, "signature does not match"],
    ["signed with HS512", () => sign({}, { alg: "HS512" }), 401, "HS256"],
    ["not a JWT", async () => "hello", 401, "not a JWT"],
    ["naming a user who does not exist", () => sign({ sub: "stranger@example.com" }), 403, "an admin must create the user"],
  ])("refuses a token %s", async (_, make, status, message) => {
    const reply = await call("POST", "/api/auth/sso", { json: { token: await make() } });
    expect(reply.status).toBe(status);
    expect(reply.body.message).toContain(message);
    expect(reply.cookie).toBeNull();
  });

  it("stops accepting a deleted key's tokens", async () => {
    const doomed = await newKey();
    const token = await sign({}, { kid: doomed.sid, secret: doomed.secret });
    expect((await call("DELETE", `/api/keys/${doomed.sid}`, { authorization: BASIC, origin: null })).status).toBe(204);
    expect((await call("POST", "/api/auth/sso", { json: { token } })).status).toBe(401);
  });

  it("refuses a token posted from another site", async () => {
    expect((await call("POST", "/api/auth/sso", { json: { token: await sign({}) }, origin: "https://evil.example" })).status).toBe(403);
  });
});
