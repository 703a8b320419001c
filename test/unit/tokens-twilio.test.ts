/**
 * Twilio AccessTokens with a TaskRouter grant, minted by the stock `twilio` package exactly as a
 * team's backend mints them for the `twilio-taskrouter` SDK, checked by Switchboard: signed with the
 * auth token or an API key's secret, expired, forged, for another account, without a usable grant.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { SignJWT, decodeJwt, decodeProtectedHeader } from "jose";
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { inspectToken, signingKey, type TokenAuthority } from "../../workers/auth/realtime-token";
import { SUPERVISOR_OPS, WORKER_OPS } from "../../durable-objects/common/token-claims";

const { AccessToken } = twilio.jwt;
const ACCOUNT = "AC" + "5".repeat(32);
const OTHER_ACCOUNT = "AC" + "6".repeat(32);
const AUTH_TOKEN = "test-auth-token";
const KEY = "SK" + "1".repeat(32);
const KEY_SECRET = "the-key-secret";
const WORKSPACE = "WS" + "1".repeat(32);
const WORKER = "WK" + "2".repeat(32);

const asked: string[] = [];
const authority: TokenAuthority = {
  accountSid: ACCOUNT,
  authToken: AUTH_TOKEN,
  // What the AccountDO checks with the key's unsealed secret: HMAC-SHA256 of "<header>.<payload>".
  async verifyApiKeySignature(keySid, signingInput, signature) {
    asked.push(keySid);
    if (keySid !== KEY) return false;
    const expected = createHmac("sha256", KEY_SECRET).update(signingInput).digest();
    const given = Buffer.from(signature, "base64url");
    return given.length === expected.length && timingSafeEqual(given, expected);
  },
  async apiKeyExists(keySid) {
    return keySid === KEY;
  },
};

interface Minting {
  accountSid?: string;
  signingSid?: string;
  secret?: string;
  ttl?: number;
  grant?: { workspaceSid?: string; workerSid?: string; role?: string } | null;
  algorithm?: "HS256" | "HS384" | "HS512";
}

/** A token as `twilio.jwt.AccessToken` makes it; by default the auth token signs (iss = account SID). */
function accessToken({ accountSid = ACCOUNT, signingSid = ACCOUNT, secret = AUTH_TOKEN, ttl = 3600, grant, algorithm }: Minting = {}) {
  const token = new AccessToken(accountSid, signingSid, secret, { identity: "ada", ttl });
  if (grant !== null)
    token.addGrant(new AccessToken.TaskRouterGrant(grant ?? { workspaceSid: WORKSPACE, workerSid: WORKER, role: "worker" }));
  else token.addGrant(new AccessToken.VoiceGrant({ incomingAllow: true }));
  return token.toJwt(algorithm);
}

const check = (token: string, now = Date.now()) => inspectToken(token, authority, now);

describe("Twilio AccessTokens", () => {
  it("is what twilio-node makes: cty twilio-fpa;v=1, grants.task_router, iss and sub", () => {
    const token = accessToken({ signingSid: KEY, secret: KEY_SECRET });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT", cty: "twilio-fpa;v=1" });
    expect(decodeJwt(token)).toMatchObject({
      iss: KEY,
      sub: ACCOUNT,
      grants: { identity: "ada", task_router: { workspace_sid: WORKSPACE, worker_sid: WORKER, role: "worker" } },
    });
  });

  it.each([
    ["the auth token (iss = account SID)", { signingSid: ACCOUNT, secret: AUTH_TOKEN }, ACCOUNT],
    ["an API key's secret (iss = SK…)", { signingSid: KEY, secret: KEY_SECRET }, KEY],
  ])("accepts a token signed with %s", async (_name, minting, issuer) => {
    const token = accessToken({ ...minting, ttl: 600 });
    const { iat, exp } = decodeJwt(token) as { iat: number; exp: number };
    expect(exp - iat).toBe(600);
    expect(await check(token)).toEqual({
      ok: true,
      identity: { accountSid: ACCOUNT, workspaceSid: WORKSPACE, role: "worker", workerSid: WORKER, ops: WORKER_OPS, expiresAt: exp * 1000 },
      details: { kind: "twilio", issuer, issuedAt: iat, expiresAt: exp, sessionStart: iat },
    });
  });

  it("asks the account's keys only about a key-signed token's own key", async () => {
    asked.length = 0;
    await check(accessToken());
    expect(asked).toEqual([]);
    await check(accessToken({ signingSid: KEY, secret: KEY_SECRET }));
    expect(asked).toEqual([KEY]);
  });

  it.each([
    { role: undefined, workerSid: WORKER, ops: WORKER_OPS, as: "worker" }, // twilio-taskrouter's default
    { role: "supervisor", workerSid: undefined, ops: SUPERVISOR_OPS, as: "supervisor" },
    { role: "supervisor", workerSid: WORKER, ops: [...WORKER_OPS, ...SUPERVISOR_OPS], as: "supervisor" },
    { role: "admin", workerSid: undefined, ops: ["*"], as: "admin" },
  ])("maps role $role (worker $workerSid) to $as", async ({ role, workerSid, ops, as }) => {
    const result = await check(
      accessToken({ grant: { workspaceSid: WORKSPACE, ...(workerSid ? { workerSid } : {}), ...(role ? { role } : {}) } }),
    );
    expect(result.ok && result.identity).toEqual({
      accountSid: ACCOUNT,
      workspaceSid: WORKSPACE,
      role: as,
      ...(workerSid ? { workerSid } : {}),
      ops,
      expiresAt: expect.any(Number),
    });
  });

  const refusals: [string, Minting, 4401 | 4403, string][] = [
    ["the wrong key secret", { signingSid: KEY, secret: "guessed" }, 4401, "signature"],
    ["an unknown API key", { signingSid: "SK" + "9".repeat(32), secret: KEY_SECRET }, 4401, "signature"],
    ["the wrong auth token", { secret: "another-auth-token" }, 4401, "signature"],
    ["another account's own auth token", { accountSid: OTHER_ACCOUNT, signingSid: OTHER_ACCOUNT, secret: "theirs" }, 4401, "issuer"],
    // Genuinely signed with this account's key, but for another account.
    ["a grant for another account", { accountSid: OTHER_ACCOUNT, signingSid: KEY, secret: KEY_SECRET }, 4403, "another account"],
    ["no TaskRouter grant", { grant: null }, 4403, "no TaskRouter grant"],
    ["an unknown role", { grant: { workspaceSid: WORKSPACE, workerSid: WORKER, role: "manager" } }, 4403, "role"],
    ["no workspace", { grant: { workerSid: WORKER } }, 4401, "workspace_sid"],
    ["a worker without a worker_sid", { grant: { workspaceSid: WORKSPACE, role: "worker" } }, 4401, "worker_sid"],
    ["a worker_sid that is not a WK SID", { grant: { workspaceSid: WORKSPACE, workerSid: "ada" } }, 4401, "worker_sid"],
    ["HS512", { algorithm: "HS512" }, 4401, "HS256"],
    ["a TTL over 24 hours", { ttl: 86_401 }, 4401, "24 hours"],
  ];
  it.each(refusals)("refuses %s", async (_name, minting, code, reason) => {
    const result = await check(accessToken(minting));
    expect(result).toMatchObject({ ok: false, code, reason: expect.stringContaining(reason) });
  });

  it("refuses a token once it has expired", async () => {
    const token = accessToken({ ttl: 60 });
    const { exp } = decodeJwt(token) as { exp: number };
    expect((await check(token, exp * 1000 - 1)).ok).toBe(true);
    expect(await check(token, exp * 1000)).toMatchObject({ ok: false, code: 4401, reason: expect.stringContaining("expired") });
  });

  it("refuses a forged grant: the payload changed after signing", async () => {
    const [head, , signature] = accessToken({ signingSid: KEY, secret: KEY_SECRET }).split(".");
    const forged = Buffer.from(
      JSON.stringify({ ...decodeJwt(accessToken()), grants: { task_router: { workspace_sid: WORKSPACE, role: "admin" } } }),
    );
    expect(await check(`${head}.${forged.toString("base64url")}.${signature}`)).toMatchObject({ ok: false, code: 4401 });
  });

  it("keeps the two kinds apart: the derived key does not sign AccessTokens", async () => {
    const claims = decodeJwt(accessToken());
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT", cty: "twilio-fpa;v=1" })
      .sign(await signingKey(AUTH_TOKEN, ACCOUNT));
    expect(await check(token)).toMatchObject({ ok: false, code: 4401, reason: expect.stringContaining("signature") });
  });
});
