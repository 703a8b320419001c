/**
 * Switchboard tokens for live connections, minted and checked in plain Node: the claims a token
 * carries, each role's operations, expiry, tampering, another account, a deleted API key, claims that
 * try to widen a role, and refreshes that never go past 24 hours from the first token.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { SignJWT, decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import {
  AUDIENCE,
  inspectToken,
  mintToken,
  refreshGrant,
  signingKey,
  type TokenAuthority,
  type TokenGrant,
} from "../../workers/auth/realtime-token";
import { allows, SUPERVISOR_OPS, WORKER_OPS } from "../../durable-objects/common/token-claims";

const ACCOUNT = "AC" + "5".repeat(32);
const OTHER_ACCOUNT = "AC" + "6".repeat(32);
const AUTH_TOKEN = "test-auth-token";
const KEY = "SK" + "1".repeat(32);
const WORKSPACE = "WS" + "1".repeat(32);
const WORKER = "WK" + "2".repeat(32);
const USER = "US" + "3".repeat(32);
const SESSION = "SE" + "4".repeat(32);
/** 2026-11-25T12:00:00Z, a whole second, so `iat` = T / 1000 exactly. */
const T = Date.UTC(2026, 10, 25, 12);

/** The deployment as the Worker sees it; `keys` are the API keys that exist (secrets by SID). */
function authority(keys = new Map([[KEY, "key-secret"]]), accountSid = ACCOUNT, authToken = AUTH_TOKEN): TokenAuthority {
  return {
    accountSid,
    authToken,
    // What the AccountDO checks: HMAC-SHA256 of the signing input under the key's secret.
    async verifyApiKeySignature(keySid, signingInput, signature) {
      const secret = keys.get(keySid);
      if (secret === undefined) return false;
      const expected = createHmac("sha256", secret).update(signingInput).digest();
      const given = Buffer.from(signature, "base64url");
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    async apiKeyExists(keySid) {
      return keys.has(keySid);
    },
  };
}

const grant = (overrides: Partial<TokenGrant> = {}): TokenGrant => ({
  issuer: ACCOUNT,
  accountSid: ACCOUNT,
  workspaceSid: WORKSPACE,
  role: "worker",
  workerSid: WORKER,
  ttl: 3600,
  ...overrides,
});

/** Signs arbitrary claims with the deployment's token key, as only a bug in Switchboard could. */
async function signed(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const iat = T / 1000;
  return new SignJWT({
    aud: AUDIENCE,
    iss: ACCOUNT,
    account_sid: ACCOUNT,
    workspace_sid: WORKSPACE,
    iat,
    exp: iat + 3600,
    auth_time: iat,
    ...claims,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT", ...header })
    .sign(await signingKey(AUTH_TOKEN, ACCOUNT));
}

describe("minting", () => {
  it("puts the documented claims in an HS256 JWT", async () => {
    const { token, identity } = await mintToken(authority(), grant({ issuer: KEY, ttl: 600 }), T + 400);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(token);
    // iat = floor((T + 400) / 1000) = T / 1000; exp = iat + 600; auth_time = iat (a new chain).
    expect(claims).toEqual({
      iss: KEY,
      sub: WORKER,
      aud: AUDIENCE,
      account_sid: ACCOUNT,
      workspace_sid: WORKSPACE,
      role: "worker",
      ops: [...WORKER_OPS],
      iat: T / 1000,
      exp: T / 1000 + 600,
      auth_time: T / 1000,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(identity).toEqual({
      accountSid: ACCOUNT,
      workspaceSid: WORKSPACE,
      role: "worker",
      workerSid: WORKER,
      ops: WORKER_OPS,
      expiresAt: T + 600_000,
    });
  });

  it("gives every token its own jti", async () => {
    const [a, b] = await Promise.all([mintToken(authority(), grant(), T), mintToken(authority(), grant(), T)]);
    expect(decodeJwt(a.token).jti).not.toBe(decodeJwt(b.token).jti);
  });
});

describe("round trip: each role's operations", () => {
  it.each([
    { role: "worker", workerSid: WORKER, ops: [...WORKER_OPS] },
    { role: "supervisor", workerSid: undefined, ops: [...SUPERVISOR_OPS] },
    // A supervisor who also takes tasks: both lists, worker's first.
    { role: "supervisor", workerSid: WORKER, ops: [...WORKER_OPS, ...SUPERVISOR_OPS] },
    { role: "admin", workerSid: undefined, ops: ["*"] },
  ] as const)("$role (worker $workerSid)", async ({ role, workerSid, ops }) => {
    const minted = await mintToken(authority(), grant({ role, ...(workerSid ? { workerSid } : { workerSid: undefined }) }), T);
    const check = await inspectToken(minted.token, authority(), T + 1000);
    expect(check).toEqual({
      ok: true,
      identity: { accountSid: ACCOUNT, workspaceSid: WORKSPACE, role, ...(workerSid ? { workerSid } : {}), ops, expiresAt: T + 3_600_000 },
      details: { kind: "switchboard", issuer: ACCOUNT, issuedAt: T / 1000, expiresAt: T / 1000 + 3600, sessionStart: T / 1000 },
    });
    expect(check.ok && check.identity).toEqual(minted.identity);
  });

  it.each([
    // op                      worker  supervisor  admin
    ["reservations:accept", true, false, true],
    ["activity:set", true, false, true],
    ["workers:read", false, true, true],
    ["queues:read", false, true, true],
    ["workspace:delete", false, false, true],
  ] as const)("allows %s: worker %s, supervisor %s, admin %s", async (op, worker, supervisor, admin) => {
    const identities = await Promise.all(
      (["worker", "supervisor", "admin"] as const).map(async (role) => {
        const minted = await mintToken(authority(), grant({ role, workerSid: role === "worker" ? WORKER : undefined }), T);
        return minted.identity;
      }),
    );
    expect(identities.map((identity) => allows(identity, op))).toEqual([worker, supervisor, admin]);
  });
});

describe("refusals", () => {
  const refused = async (token: string, now = T + 1000, keys?: TokenAuthority) => {
    const check = await inspectToken(token, keys ?? authority(), now);
    if (check.ok) throw new Error("expected the token to be refused");
    return { code: check.code, reason: check.reason };
  };

  it("expires at exp, to the millisecond", async () => {
    const { token } = await mintToken(authority(), grant({ ttl: 60 }), T);
    expect((await inspectToken(token, authority(), T + 59_999)).ok).toBe(true);
    expect(await refused(token, T + 60_000)).toEqual({ code: 4401, reason: "The token expired at 2026-11-25T12:01:00Z" });
  });

  it("refuses a token whose payload or signature was changed", async () => {
    const { token } = await mintToken(authority(), grant(), T);
    const [head, payload, signature] = token.split(".") as [string, string, string];
    const promoted = Buffer.from(JSON.stringify({ ...decodeJwt(token), role: "admin", ops: ["*"] })).toString("base64url");
    expect((await refused(`${head}.${promoted}.${signature}`)).code).toBe(4401);
    const flipped = signature.slice(0, 5) + (signature[5] === "A" ? "B" : "A") + signature.slice(6);
    expect((await refused(`${head}.${payload}.${flipped}`)).code).toBe(4401);
    expect((await refused(`${head}.${payload}.`)).code).toBe(4401);
  });

  it.each([
    ["not a JWT", "abc", "The token is not a JWT"],
    ["empty", "", "The token is not a JWT"],
    [
      "alg none",
      `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from("{}").toString("base64url")}.`,
      "The token must be signed with HS256",
    ],
    ["too long", "a".repeat(8193), "The token is longer than 8192 characters"],
  ])("refuses %s", async (_name, token, reason) => {
    expect(await refused(token)).toEqual({ code: 4401, reason });
  });

  it("refuses a token signed with another key: another auth token, the raw auth token, HS512", async () => {
    const elsewhere = await mintToken(authority(undefined, ACCOUNT, "another-auth-token"), grant(), T);
    expect((await refused(elsewhere.token)).code).toBe(4401);
    // Signed with the auth token itself, not the derived key: the key separation keeps it out.
    const raw = await new SignJWT(decodeJwt(elsewhere.token))
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(AUTH_TOKEN));
    expect(await refused(raw)).toMatchObject({ code: 4401, reason: expect.stringContaining("signature") });
    const hs512 = await new SignJWT(decodeJwt(elsewhere.token)).setProtectedHeader({ alg: "HS512" }).sign(new Uint8Array(64));
    expect(await refused(hs512)).toEqual({ code: 4401, reason: "The token must be signed with HS256" });
  });

  it("answers 4403 for a genuine token of another account, 4401 when another deployment's token cannot be checked", async () => {
    const foreign = await mintToken(authority(), grant({ accountSid: OTHER_ACCOUNT }), T);
    expect(await refused(foreign.token)).toEqual({ code: 4403, reason: "The token is for another account" });
    const ours = await mintToken(authority(), grant(), T);
    expect((await refused(ours.token, T + 1000, authority(undefined, OTHER_ACCOUNT, "their-auth-token"))).code).toBe(4401);
  });

  it("refuses the tokens of a deleted API key", async () => {
    const keys = new Map([[KEY, "key-secret"]]);
    const { token } = await mintToken(authority(keys), grant({ issuer: KEY }), T);
    expect((await inspectToken(token, authority(keys), T + 1000)).ok).toBe(true);
    keys.delete(KEY);
    expect(await refused(token, T + 1000, authority(keys))).toEqual({
      code: 4401,
      reason: "The API key that asked for this token was deleted",
    });
  });

  it.each([
    ["a role Switchboard does not know", { role: "owner", sub: WORKER, ops: [] }, 4403, "role must be"],
    ["a worker token without its worker", { role: "worker", ops: [] }, 4401, "needs its worker SID"],
    ["a sub that is not a worker SID", { role: "supervisor", sub: "ada", ops: [] }, 4401, "sub must be a worker SID"],
    ["another audience", { role: "admin", ops: ["*"], aud: "elsewhere" }, 4401, "not meant for live connections"],
    ["no workspace", { role: "admin", ops: ["*"], workspace_sid: undefined }, 4401, "no workspace_sid"],
    ["an issuer that is neither the account nor a key", { role: "admin", ops: ["*"], iss: OTHER_ACCOUNT }, 4401, "issuer"],
    ["ops that are not a list", { role: "admin", ops: "*" }, 4401, "ops must be a list"],
    // iat = T, exp = T + 24 h + 1 s: longer than a day.
    ["a lifetime over 24 hours", { role: "admin", ops: ["*"], exp: T / 1000 + 86_401 }, 4401, "between 1 second and 24 hours"],
    // Refreshed past the chain's 24 hours: auth_time 24 h before iat, exp an hour later.
    ["a chain older than 24 hours", { role: "admin", ops: ["*"], auth_time: T / 1000 - 86_400 }, 4401, "auth_time"],
    ["an iat two minutes ahead", { role: "admin", ops: ["*"], iat: T / 1000 + 120 }, 4401, "issued in the future"],
    ["no exp", { role: "admin", ops: ["*"], exp: undefined }, 4401, "numeric iat and exp"],
    ["a user without a session", { role: "worker", sub: WORKER, ops: [], user_sid: USER }, 4401, "both user_sid"],
    ["a session without a user", { role: "worker", sub: WORKER, ops: [], session_sid: SESSION }, 4401, "both user_sid"],
    [
      "a user_sid that is not a user SID",
      { role: "worker", sub: WORKER, ops: [], user_sid: "ada", session_sid: SESSION },
      4401,
      "both user_sid",
    ],
  ] as const)("refuses %s", async (_name, claims, code, reason) => {
    expect(await refused(await signed(claims))).toEqual({ code, reason: expect.stringContaining(reason) });
  });

  it("lets the role bound the operations: a claim narrows them, never widens them", async () => {
    const check = await inspectToken(
      await signed({ role: "worker", sub: WORKER, ops: ["reservations:accept", "*", "workers:read"] }),
      authority(),
      T + 1000,
    );
    expect(check.ok && check.identity.ops).toEqual(["reservations:accept"]);
  });
});

describe("tokens minted for a signed-in user", () => {
  it("name the user and the session in user_sid and session_sid, and say so in the identity, through refreshes", async () => {
    const user = { userSid: USER, sessionSid: SESSION };
    const first = await mintToken(authority(), grant({ user }), T);
    expect(decodeJwt(first.token)).toMatchObject({ sub: WORKER, user_sid: USER, session_sid: SESSION });
    expect(first.identity.user).toEqual(user);
    const check = await inspectToken(first.token, authority(), T + 1000);
    if (!check.ok) throw new Error(check.reason);
    expect(check.identity.user).toEqual(user);
    const refreshed = await mintToken(authority(), refreshGrant(check.identity, check.details), T + 1000);
    expect(decodeJwt(refreshed.token)).toMatchObject({ user_sid: USER, session_sid: SESSION });
  });

  it("are not made for a backend's worker token (no user claims, no user in the identity)", async () => {
    const { token, identity } = await mintToken(authority(), grant(), T);
    expect(decodeJwt(token)).not.toHaveProperty("user_sid");
    const check = await inspectToken(token, authority(), T + 1000);
    expect(check.ok && check.identity).not.toHaveProperty("user");
    expect(identity).not.toHaveProperty("user");
  });
});

describe("refresh", () => {
  it("keeps the claims and the lifetime, and never goes past 24 hours from the first token", async () => {
    const first = await mintToken(authority(), grant({ ttl: 3600, issuer: KEY }), T);
    const check = await inspectToken(first.token, authority(), T + 1_800_000);
    if (!check.ok) throw new Error(check.reason);
    // Refreshed half-way: iat = T + 30 min, exp = iat + 1 h, auth_time still T.
    const second = await mintToken(authority(), refreshGrant(check.identity, check.details), T + 1_800_000);
    const claims = decodeJwt(second.token);
    expect(claims).toMatchObject({
      iss: KEY,
      sub: WORKER,
      role: "worker",
      iat: T / 1000 + 1800,
      exp: T / 1000 + 5400,
      auth_time: T / 1000,
    });
    expect(claims.jti).not.toBe(decodeJwt(first.token).jti);

    // 23 h 50 min after the first token, a refresh only reaches T + 24 h (10 minutes, not an hour).
    const late = await mintToken(authority(), refreshGrant(check.identity, check.details), T + 85_800_000);
    expect(decodeJwt(late.token)).toMatchObject({ iat: T / 1000 + 85_800, exp: T / 1000 + 86_400, auth_time: T / 1000 });
    expect(late.identity.expiresAt).toBe(T + 86_400_000);
    expect((await inspectToken(late.token, authority(), T + 86_399_999)).ok).toBe(true);
    expect((await inspectToken(late.token, authority(), T + 86_400_000)).ok).toBe(false);
  });
});
