/**
 * Tokens for live connections inside workerd: `POST /api/tokens` and `/api/tokens/refresh` over HTTP
 * (every 4xx path), `verifyRealtimeToken` against the real AccountDO (tokens of a deleted key die with
 * it), and Twilio AccessTokens signed with the auth token or with an API key whose secret the AccountDO
 * keeps sealed — checked there, never handed out.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { SignJWT, decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { SUPERVISOR_OPS, WORKER_OPS } from "../../durable-objects/common/token-claims";
import { mintRealtimeToken, verifyRealtimeToken } from "../../workers/auth/tokens";
import { accountFor } from "../../platform/objects";

const ACCOUNT = env.ACCOUNT_SID!;
const ORIGIN = "http://sb.test";
const basic = (user: string, password: string) => "Basic " + btoa(`${user}:${password}`);
const AUTH = basic(ACCOUNT, env.AUTH_TOKEN!);
const UNKNOWN_WS = "WS" + "0".repeat(32);
const UNKNOWN_WK = "WK" + "0".repeat(32);

interface Body {
  token: string;
  expires_at: string;
  identity: { account_sid: string; workspace_sid: string; role: string; worker_sid: string | null; ops: string[] };
  sid: string;
  secret: string;
  message: string;
  code: number;
  [field: string]: unknown;
}

async function call(method: string, path: string, params: Record<string, string> | null, authorization: string | null, json = false) {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const init: RequestInit = { method, headers };
  if (params) {
    headers["content-type"] = json ? "application/json" : "application/x-www-form-urlencoded";
    init.body = json ? JSON.stringify(params) : new URLSearchParams(params).toString();
  }
  const res = await app.request(`${ORIGIN}${path}`, init, env);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Body, headers: res.headers };
}

const mint = (params: Record<string, string>, authorization: string | null = AUTH, json = false) =>
  call("POST", "/api/tokens", params, authorization, json);
const refresh = (token: string, params: Record<string, string> | null = null) =>
  call("POST", "/api/tokens/refresh", params, `Bearer ${token}`);

let workspaceSid: string;
let workerSid: string;
let key: { sid: string; secret: string };

beforeAll(async () => {
  workspaceSid = (await call("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "Tokens" }, AUTH)).body.sid;
  const worker = await call("POST", `/taskrouter/v1/Workspaces/${workspaceSid}/Workers`, { FriendlyName: "ada" }, AUTH);
  expect(worker.status).toBe(201);
  workerSid = worker.body.sid;
  key = (await call("POST", "/api/keys", { FriendlyName: "backend" }, AUTH)).body;
});

/** An AccessToken exactly as twilio-node's `AccessToken.toJwt()` builds it (see test/unit/tokens-twilio.test.ts). */
async function twilioAccessToken(signingSid: string, secret: string, grant: Record<string, string>, accountSid = ACCOUNT, ttl = 3600) {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: `${signingSid}-${iat}`, grants: { identity: "ada", task_router: grant } })
    .setProtectedHeader({ cty: "twilio-fpa;v=1", typ: "JWT", alg: "HS256" })
    .setIssuer(signingSid)
    .setSubject(accountSid)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(new TextEncoder().encode(secret));
}

describe("POST /api/tokens", () => {
  it("mints a worker token that verifyRealtimeToken accepts", async () => {
    const res = await mint({ WorkspaceSid: workspaceSid, Role: "worker", WorkerSid: workerSid });
    expect(res.status).toBe(200);
    const claims = decodeJwt(res.body.token) as { iss: string; sub: string; iat: number; exp: number };
    expect(claims).toMatchObject({ iss: ACCOUNT, sub: workerSid });
    expect(claims.exp - claims.iat).toBe(3600); // the default Ttl
    expect(res.body).toEqual({
      token: res.body.token,
      expires_at: new Date(claims.exp * 1000).toISOString().replace(".000Z", "Z"),
      identity: { account_sid: ACCOUNT, workspace_sid: workspaceSid, role: "worker", worker_sid: workerSid, ops: [...WORKER_OPS] },
    });
    expect(await verifyRealtimeToken(env, res.body.token)).toEqual({
      ok: true,
      identity: { accountSid: ACCOUNT, workspaceSid, role: "worker", workerSid, ops: [...WORKER_OPS], expiresAt: claims.exp * 1000 },
    });
  });

  it("mints supervisor and admin tokens, from a JSON body too, with the Ttl asked for", async () => {
    const supervisor = await mint({ WorkspaceSid: workspaceSid, Role: "supervisor", Ttl: "60" }, AUTH, true);
    expect(supervisor.status).toBe(200);
    expect(supervisor.body.identity).toMatchObject({ role: "supervisor", worker_sid: null, ops: [...SUPERVISOR_OPS] });
    const { iat, exp } = decodeJwt(supervisor.body.token) as { iat: number; exp: number };
    expect(exp - iat).toBe(60);
    const admin = await mint({ WorkspaceSid: workspaceSid, Role: "admin", Ttl: "86400" });
    expect(admin.body.identity).toMatchObject({ role: "admin", ops: ["*"] });
    expect(await verifyRealtimeToken(env, admin.body.token)).toMatchObject({ ok: true, identity: { role: "admin", ops: ["*"] } });
  });

  it("names the API key as issuer when a key asks, and its tokens die with the key", async () => {
    const own = (await call("POST", "/api/keys", { FriendlyName: "short-lived" }, AUTH)).body;
    const res = await mint({ WorkspaceSid: workspaceSid, Role: "worker", WorkerSid: workerSid }, basic(own.sid, own.secret));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.token).iss).toBe(own.sid);
    expect((await verifyRealtimeToken(env, res.body.token)).ok).toBe(true);
    expect((await call("DELETE", `/api/keys/${own.sid}`, null, AUTH)).status).toBe(204);
    expect(await verifyRealtimeToken(env, res.body.token)).toEqual({
      ok: false,
      code: 4401,
      reason: "The API key that asked for this token was deleted",
    });
  });

  it.each([
    ["an unknown workspace", 404, { WorkspaceSid: UNKNOWN_WS, Role: "supervisor" }, "Workspace"],
    ["an unknown worker", 404, { Role: "worker", WorkerSid: UNKNOWN_WK }, "Worker"],
    ["a bad Role", 400, { Role: "owner" }, "Invalid parameter Role"],
    ["a worker token without WorkerSid", 400, { Role: "worker" }, "Missing required parameter WorkerSid"],
    // A missing enum reads as invalid in the wire layer (not "Missing required parameter").
    ["no Role", 400, {}, "Missing required parameter Role"],
    ["a malformed WorkerSid", 400, { Role: "worker", WorkerSid: "ada" }, "Invalid parameter WorkerSid"],
    ["a Ttl under a minute", 400, { Role: "admin", Ttl: "59" }, "Invalid parameter Ttl"],
    ["a Ttl over a day", 400, { Role: "admin", Ttl: "86401" }, "Invalid parameter Ttl"],
    ["an unknown parameter", 400, { Role: "admin", Identity: "ada" }, "Unknown parameter Identity"],
  ])("answers %s with %i", async (_name, status, params, message) => {
    const res = await mint({ WorkspaceSid: workspaceSid, ...params });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status, message: expect.stringContaining(message) });
  });

  it.each([
    ["no credentials", null],
    ["a wrong auth token", basic(ACCOUNT, "wrong")],
    ["a wrong key secret", basic("SK" + "0".repeat(32), "wrong")],
    ["a bearer token", "Bearer x"],
  ])("answers 401 to %s", async (_name, authorization) => {
    const res = await mint({ WorkspaceSid: workspaceSid, Role: "admin" }, authorization);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(20003);
  });
});

describe("POST /api/tokens/refresh", () => {
  it("returns a new token with the same claims, a new jti and a new exp", async () => {
    const first = (await mint({ WorkspaceSid: workspaceSid, Role: "worker", WorkerSid: workerSid, Ttl: "600" }, basic(key.sid, key.secret)))
      .body;
    const res = await refresh(first.token);
    expect(res.status).toBe(200);
    const [before, after] = [decodeJwt(first.token), decodeJwt(res.body.token)];
    // Everything but iat, exp and jti carries over: iss (the key), sub, role, ops, auth_time, …
    expect({ ...after, iat: before.iat, exp: before.exp, jti: before.jti }).toEqual(before);
    expect(after.jti).not.toBe(before.jti);
    expect(after.exp! - after.iat!).toBe(600);
    expect(res.body.identity).toEqual(first.identity);
    expect((await verifyRealtimeToken(env, res.body.token)).ok).toBe(true);
  });

  it("refuses an expired, forged or foreign token, and a Twilio AccessToken", async () => {
    const grant = { issuer: ACCOUNT, accountSid: ACCOUNT, workspaceSid, role: "supervisor", ttl: 3600 } as const;
    const expired = await mintRealtimeToken(env, grant, Date.now() - 3_600_000);
    expect(await refresh(expired.token)).toMatchObject({ status: 401, body: { code: 20101, message: expect.stringContaining("expired") } });
    const [head, payload, signature] = (await mintRealtimeToken(env, grant)).token.split(".");
    const forged = `${head}.${payload}.${signature!.slice(1)}A`;
    expect((await refresh(forged)).status).toBe(401);
    const foreign = await mintRealtimeToken(env, { ...grant, accountSid: "AC" + "6".repeat(32) });
    expect(await refresh(foreign.token)).toMatchObject({ status: 403, body: { code: 20403 } });
    const accessToken = await twilioAccessToken(ACCOUNT, env.AUTH_TOKEN!, { workspace_sid: workspaceSid, role: "supervisor" });
    expect(await refresh(accessToken)).toMatchObject({
      status: 401,
      body: { message: expect.stringContaining("Only Switchboard tokens") },
    });
  });

  it("needs a bearer token and takes no parameters", async () => {
    const none = await call("POST", "/api/tokens/refresh", null, AUTH);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="Switchboard"');
    const { token } = (await mint({ WorkspaceSid: workspaceSid, Role: "admin" })).body;
    expect(await refresh(token, { Ttl: "86400" })).toMatchObject({ status: 400, body: { message: "Unknown parameter Ttl" } });
  });

  it("stops once the worker is deleted", async () => {
    const bob = (await call("POST", `/taskrouter/v1/Workspaces/${workspaceSid}/Workers`, { FriendlyName: "bob" }, AUTH)).body.sid;
    const { token } = (await mint({ WorkspaceSid: workspaceSid, Role: "worker", WorkerSid: bob })).body;
    expect((await refresh(token)).status).toBe(200);
    expect((await call("DELETE", `/taskrouter/v1/Workspaces/${workspaceSid}/Workers/${bob}`, null, AUTH)).status).toBe(204);
    expect((await refresh(token)).status).toBe(404);
  });
});

describe("verifyRealtimeToken with Twilio AccessTokens", () => {
  it("accepts one signed with the auth token, and one signed with an API key's secret", async () => {
    for (const [sid, secret] of [
      [ACCOUNT, env.AUTH_TOKEN!],
      [key.sid, key.secret],
    ]) {
      const token = await twilioAccessToken(sid!, secret!, { workspace_sid: workspaceSid, worker_sid: workerSid, role: "worker" });
      expect(await verifyRealtimeToken(env, token)).toEqual({
        ok: true,
        identity: {
          accountSid: ACCOUNT,
          workspaceSid,
          role: "worker",
          workerSid,
          ops: [...WORKER_OPS],
          expiresAt: (decodeJwt(token).exp ?? 0) * 1000,
        },
      });
    }
  });

  it.each([
    ["the wrong key secret", () => twilioAccessToken(key.sid, "guessed", { workspace_sid: workspaceSid, role: "supervisor" }), 4401],
    [
      "an unknown key",
      () => twilioAccessToken("SK" + "0".repeat(32), key.secret, { workspace_sid: workspaceSid, role: "supervisor" }),
      4401,
    ],
    [
      "another account",
      () => twilioAccessToken(key.sid, key.secret, { workspace_sid: workspaceSid, role: "supervisor" }, "AC" + "6".repeat(32)),
      4403,
    ],
    [
      "an expired token",
      () => twilioAccessToken(ACCOUNT, env.AUTH_TOKEN!, { workspace_sid: workspaceSid, role: "supervisor" }, ACCOUNT, -1),
      4401,
    ],
  ])("refuses %s", async (_name, make, code) => {
    expect(await verifyRealtimeToken(env, await make())).toMatchObject({ ok: false, code });
  });

  it("refuses everything once the auth token is rotated", async () => {
    const rotated = { ...env, AUTH_TOKEN: "rotated" };
    const accessToken = await twilioAccessToken(ACCOUNT, env.AUTH_TOKEN!, { workspace_sid: workspaceSid, role: "supervisor" });
    const ours = await mintRealtimeToken(env, { issuer: ACCOUNT, accountSid: ACCOUNT, workspaceSid, role: "admin", ttl: 60 });
    expect(await verifyRealtimeToken(rotated, accessToken)).toMatchObject({ ok: false, code: 4401 });
    expect(await verifyRealtimeToken(rotated, ours.token)).toMatchObject({ ok: false, code: 4401 });
  });
});

describe("AccountDO: sealed API key secrets", () => {
  const b64url = (bytes: ArrayBuffer) =>
    btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  async function hmac(secret: string, data: string) {
    const k = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return b64url(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(data)));
  }

  it("keeps the secret sealed, checks signatures made with it, and says which keys exist", async () => {
    const account = accountFor(env, "AC-sealed");
    const a = (await account.createApiKey("a")) as { ok: true; value: { sid: string; secret: string } };
    const b = (await account.createApiKey("b")) as { ok: true; value: { sid: string; secret: string } };
    const [ka, kb] = [a.value, b.value];
    const rows = await runInDurableObject(account, (_instance, state) =>
      state.storage.sql.exec("SELECT sid, secret_sealed FROM api_keys ORDER BY sid").toArray(),
    );
    for (const row of rows) {
      const sealed = new Uint8Array(row.secret_sealed as ArrayBuffer);
      expect(sealed.length).toBe(12 + 43 + 16); // IV, the 43-character secret, the GCM tag
      expect(new TextDecoder("latin1").decode(sealed)).not.toContain([ka, kb].find((k) => k.sid === row.sid)!.secret);
    }

    expect(await account.verifyApiKeySignature(ka.sid, "head.payload", await hmac(ka.secret, "head.payload"))).toBe(true);
    expect(await account.verifyApiKeySignature(ka.sid, "head.payload2", await hmac(ka.secret, "head.payload"))).toBe(false);
    expect(await account.verifyApiKeySignature(ka.sid, "head.payload", await hmac(kb.secret, "head.payload"))).toBe(false);
    expect(await account.verifyApiKeySignature("SK" + "0".repeat(32), "head.payload", await hmac(ka.secret, "head.payload"))).toBe(false);
    expect(await account.verifyApiKeySignature(ka.sid, "head.payload", "not base64url!")).toBe(false);
    expect(await account.verifyApiKeySignature(ka.sid, "head.payload", "")).toBe(false);

    // A seal moved to another key's row does not open there (the key SID is its associated data).
    await runInDurableObject(account, (_instance, state) => {
      const [row] = state.storage.sql
        .exec<{ secret_sealed: ArrayBuffer }>("SELECT secret_sealed FROM api_keys WHERE sid = ?", ka.sid)
        .toArray();
      state.storage.sql.exec("UPDATE api_keys SET secret_sealed = ? WHERE sid = ?", row!.secret_sealed, kb.sid);
    });
    expect(await account.verifyApiKeySignature(kb.sid, "x.y", await hmac(ka.secret, "x.y"))).toBe(false);
    expect(await account.verifyApiKeySignature(kb.sid, "x.y", await hmac(kb.secret, "x.y"))).toBe(false);
    // Basic authentication still uses the hash, so it is unaffected.
    expect(await account.verifyApiKey(kb.sid, kb.secret)).toBe(true);

    // A key from before secrets were sealed cannot sign AccessTokens, and still authenticates.
    await runInDurableObject(account, (_instance, state) =>
      state.storage.sql.exec("UPDATE api_keys SET secret_sealed = NULL WHERE sid = ?", ka.sid),
    );
    expect(await account.verifyApiKeySignature(ka.sid, "x.y", await hmac(ka.secret, "x.y"))).toBe(false);
    expect(await account.verifyApiKey(ka.sid, ka.secret)).toBe(true);

    expect(await account.hasApiKey(ka.sid)).toBe(true);
    await account.deleteApiKey(ka.sid);
    expect(await account.hasApiKey(ka.sid)).toBe(false);
  });
});
