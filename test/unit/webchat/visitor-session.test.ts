/**
 * Visitor sessions: a session works only for the channel it was minted for, only until it expires,
 * only when this deployment signed it; the pre-chat form's fields are checked and named when wrong.
 */
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  mintVisitorSession,
  newVisitorId,
  readPrechat,
  SESSION_AUDIENCE,
  SESSION_TTL_SECONDS,
  verifyVisitorSession,
} from "../../../workers/auth/visitor-session";

const AUTH_TOKEN = "test-auth-token";
const WS = "WS" + "1".repeat(32);
const XC = "XC" + "2".repeat(32);
const OTHER_XC = "XC" + "3".repeat(32);
const NOW = Date.UTC(2026, 0, 1);
const visitor = { visitorId: newVisitorId(), workspaceSid: WS, channelSid: XC, name: "Ada", email: "ada@example.com", phone: null };

describe("visitor sessions", () => {
  it("verifies what was minted: the visitor, the details, 30 days of life", async () => {
    const { token, session } = await mintVisitorSession(AUTH_TOKEN, visitor, NOW);
    expect(session.expiresAt).toBe(NOW + SESSION_TTL_SECONDS * 1000);
    const check = await verifyVisitorSession(AUTH_TOKEN, { workspaceSid: WS, channelSid: XC }, token, NOW + 1000);
    expect(check).toEqual({
      ok: true,
      session: {
        ...visitor,
        identified: null,
        conversationSid: null,
        newProfileSid: null,
        issuedAt: NOW,
        expiresAt: NOW + SESSION_TTL_SECONDS * 1000,
      },
    });
  });

  it("names where the visitor's messages go: a new visitor's conversation with its profile, or an open one alone", async () => {
    const CH = "CH" + "4".repeat(32);
    const PR = "PR" + "5".repeat(32);
    const where = { workspaceSid: WS, channelSid: XC };
    const fresh = await mintVisitorSession(AUTH_TOKEN, { ...visitor, conversationSid: CH, newProfileSid: PR }, NOW);
    expect(await verifyVisitorSession(AUTH_TOKEN, where, fresh.token, NOW)).toMatchObject({
      ok: true,
      session: { conversationSid: CH, newProfileSid: PR },
    });
    const open = await mintVisitorSession(AUTH_TOKEN, { ...visitor, conversationSid: CH, newProfileSid: null }, NOW);
    expect(await verifyVisitorSession(AUTH_TOKEN, where, open.token, NOW)).toMatchObject({
      ok: true,
      session: { conversationSid: CH, newProfileSid: null },
    });
    // A profile without a conversation to open means nothing: it is not kept.
    const stray = await mintVisitorSession(AUTH_TOKEN, { ...visitor, conversationSid: null, newProfileSid: PR }, NOW);
    expect(stray.session).toMatchObject({ conversationSid: null, newProfileSid: null });
    expect(await verifyVisitorSession(AUTH_TOKEN, where, stray.token, NOW)).toMatchObject({
      ok: true,
      session: { conversationSid: null, newProfileSid: null },
    });
  });

  it("carries the identity the team's site signed apart from what the pre-chat form said", async () => {
    const identified = { email: "grace@example.com", name: "Grace" };
    const { token } = await mintVisitorSession(AUTH_TOKEN, { ...visitor, identified }, NOW);
    const check = await verifyVisitorSession(AUTH_TOKEN, { workspaceSid: WS, channelSid: XC }, token, NOW);
    expect(check).toMatchObject({ ok: true, session: { identified, email: visitor.email, name: visitor.name } });
  });

  it("refuses a session of another channel of the same workspace", async () => {
    const { token } = await mintVisitorSession(AUTH_TOKEN, visitor, NOW);
    const check = await verifyVisitorSession(AUTH_TOKEN, { workspaceSid: WS, channelSid: OTHER_XC }, token, NOW);
    expect(check).toMatchObject({ ok: false, code: 4401 });
  });

  it("refuses a session that names another workspace, even under the channel's key", async () => {
    const { token } = await mintVisitorSession(AUTH_TOKEN, { ...visitor, workspaceSid: "WS" + "9".repeat(32) }, NOW);
    expect(await verifyVisitorSession(AUTH_TOKEN, { workspaceSid: WS, channelSid: XC }, token, NOW)).toMatchObject({
      ok: false,
      code: 4403,
    });
  });

  it("refuses an expired session", async () => {
    const { token } = await mintVisitorSession(AUTH_TOKEN, visitor, NOW);
    const check = await verifyVisitorSession(
      AUTH_TOKEN,
      { workspaceSid: WS, channelSid: XC },
      token,
      NOW + SESSION_TTL_SECONDS * 1000 + 1000,
    );
    expect(check).toEqual({ ok: false, code: 4401, reason: "The session expired" });
  });

  it("refuses a session after the auth token is rotated", async () => {
    const { token } = await mintVisitorSession(AUTH_TOKEN, visitor, NOW);
    expect(await verifyVisitorSession("rotated", { workspaceSid: WS, channelSid: XC }, token, NOW)).toMatchObject({
      ok: false,
      code: 4401,
    });
  });

  it.each([
    ["signed with the auth token itself", async () => sign(new TextEncoder().encode(AUTH_TOKEN), {})],
    ["with its claims edited (another visitor)", async () => tamper((await mintVisitorSession(AUTH_TOKEN, visitor, NOW)).token)],
    ["unsigned (alg none)", async () => unsigned()],
    ["not a JWT", async () => "hello"],
  ])("refuses a forged session: %s", async (_, forge) => {
    expect(await verifyVisitorSession(AUTH_TOKEN, { workspaceSid: WS, channelSid: XC }, await forge(), NOW)).toMatchObject({
      ok: false,
      code: 4401,
    });
  });
});

async function sign(key: Uint8Array, extra: Record<string, unknown>): Promise<string> {
  return new SignJWT({ ws: WS, xc: XC, ...extra })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(visitor.visitorId)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 3600)
    .sign(key);
}

function tamper(token: string): string {
  const [head, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
  claims.sub = newVisitorId();
  return `${head}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
}

function unsigned(): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none" })}.${encode({ sub: visitor.visitorId, ws: WS, xc: XC, aud: SESSION_AUDIENCE, iat: NOW / 1000, exp: NOW / 1000 + 60 })}.`;
}

describe("the pre-chat form", () => {
  it.each([
    [
      { name: " Ada Lovelace ", email: "Ada@Example.com", phone: "+15551234567" },
      { name: "Ada Lovelace", email: "ada@example.com", phone: "+15551234567" },
    ],
    [{ name: "", email: "  " }, {}], // empty fields are left out
    [{}, {}],
    [{ name: "x".repeat(100) }, { name: "x".repeat(100) }],
  ])("takes %j as %j", (input, details) => {
    expect(readPrechat(input)).toEqual({ ok: true, details });
  });

  it.each([
    [{ name: "x".repeat(101) }, "name"],
    [{ name: 42 }, "name"],
    [{ email: "ada" }, "email"],
    [{ email: "ada@example" }, "email"],
    [{ email: "ada lovelace@example.com" }, "email"],
    [{ phone: "555 123 4567" }, "phone"], // not E.164
    [{ phone: "+0123456" }, "phone"], // E.164 has no leading 0
    [{ phone: "+1234567890123456" }, "phone"], // 16 digits: one too many
  ])("refuses %j naming %s", (input, field) => {
    expect(readPrechat(input)).toMatchObject({ ok: false, field });
  });
});
