/**
 * Who may reach the Conversations and Interactions APIs, through the Worker's fetch handler: Basic
 * credentials of this deployment's account only, and — before the account has any workspace, so before
 * it has a chat service — a 404 that says what to do. (This file's storage starts empty: no workspace
 * is ever created here.) Also: every endpoint is in /openapi.json, account-level and service-scoped.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const ORIGIN = "http://sb.test";
const basic = (user: string, password: string) => "Basic " + btoa(`${user}:${password}`);
const AUTH = basic(env.ACCOUNT_SID!, env.AUTH_TOKEN!);

async function call(method: string, path: string, authorization?: string, form?: Record<string, string>) {
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (form) headers["content-type"] = "application/x-www-form-urlencoded";
  const res = await exports.default.fetch(`${ORIGIN}${path}`, {
    method,
    headers,
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: res.status, body: (await res.json()) as { code: number; message: string; status: number } };
}

describe("authentication", () => {
  it.each([
    ["GET", "/conversations/v1/Conversations"],
    ["POST", "/conversations/v1/Conversations"],
    ["GET", `/conversations/v1/Services/IS${"1".repeat(32)}/Conversations/CH${"1".repeat(32)}/Messages`],
    ["POST", "/flex/v1/Interactions"],
    ["GET", `/flex/v1/Interactions/KD${"1".repeat(32)}`],
    ["GET", "/conversations/v1/Users"],
    ["POST", `/conversations/v1/Services/IS${"1".repeat(32)}/Users`],
    ["GET", "/conversations/v1/ParticipantConversations?Identity=ada"],
    ["POST", "/conversations/v1/ConversationWithParticipants"],
    ["GET", "/conversations/v1/Configuration/Webhooks"],
    ["POST", `/conversations/v1/Services/IS${"1".repeat(32)}/Configuration/Webhooks`],
    ["GET", `/conversations/v1/Conversations/CH${"1".repeat(32)}/Webhooks`],
    ["GET", `/conversations/v1/Conversations/CH${"1".repeat(32)}/Messages/IM${"1".repeat(32)}/Receipts`],
  ])("%s %s without credentials is a 401 in Twilio's shape", async (method, path) => {
    const res = await call(method, path);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 20003, status: 401 });
  });

  it.each([
    ["a wrong auth token", basic(env.ACCOUNT_SID!, "wrong")],
    ["another account", basic("AC" + "6".repeat(32), env.AUTH_TOKEN!)],
    ["an unknown API key", basic("SK" + "1".repeat(32), "secret")],
  ])("refuses %s with 401", async (_, authorization) => {
    expect((await call("GET", "/conversations/v1/Conversations", authorization)).status).toBe(401);
  });
});

describe("an account without a workspace", () => {
  it.each([
    ["GET", "/conversations/v1/Conversations"],
    ["POST", "/conversations/v1/Conversations"],
    ["GET", "/conversations/v1/Conversations/some-unique-name"],
    ["GET", "/conversations/v1/Configuration/Webhooks"],
    ["GET", "/conversations/v1/Users"],
    ["GET", "/conversations/v1/ParticipantConversations?Identity=ada"],
  ])("%s %s is a 404 saying a workspace must be created first", async (method, path) => {
    const res = await call(method, path, AUTH, method === "POST" ? { FriendlyName: "x" } : undefined);
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/no workspace yet.*POST \/taskrouter\/v1\/Workspaces/);
  });

  it.each([
    ["an unknown chat service", `/conversations/v1/Services/IS${"2".repeat(32)}/Conversations`],
    ["a malformed chat service SID", "/conversations/v1/Services/IS123/Conversations"],
  ])("%s is a 404", async (_, path) => {
    expect((await call("GET", path, AUTH)).status).toBe(404);
  });

  it("an interaction without a workspace to route in is a 404, and a bad Channel a 400 naming it", async () => {
    const routing = JSON.stringify({ properties: {} });
    expect((await call("POST", "/flex/v1/Interactions", AUTH, { Channel: JSON.stringify({ type: "sms" }), Routing: routing })).status).toBe(
      404,
    );
    const bad = await call("POST", "/flex/v1/Interactions", AUTH, { Channel: JSON.stringify({ kind: "sms" }), Routing: routing });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^Invalid parameter Channel: type/);
  });
});

describe("/openapi.json", () => {
  it("documents the account-level and service-scoped Conversations paths (webhooks, receipts, users …) and Interactions", async () => {
    const res = await exports.default.fetch(`${ORIGIN}/openapi.json`);
    const paths = Object.keys(((await res.json()) as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/conversations/v1/Conversations",
        "/conversations/v1/Conversations/{Sid}",
        "/conversations/v1/Conversations/{ConversationSid}/Participants/{Sid}",
        "/conversations/v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Messages",
        "/flex/v1/Interactions",
        "/flex/v1/Interactions/{Sid}",
        "/api/conversations/{ConversationSid}/transfer",
        "/conversations/v1/Configuration/Webhooks",
        "/conversations/v1/Services/{ChatServiceSid}/Configuration/Webhooks",
        "/conversations/v1/Conversations/{ConversationSid}/Webhooks/{Sid}",
        "/conversations/v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Webhooks",
        "/conversations/v1/Conversations/{ConversationSid}/Messages/{MessageSid}/Receipts/{Sid}",
        "/conversations/v1/ParticipantConversations",
        "/conversations/v1/Services/{ChatServiceSid}/ParticipantConversations",
        "/conversations/v1/ConversationWithParticipants",
        "/conversations/v1/Services/{ChatServiceSid}/ConversationWithParticipants",
        "/conversations/v1/Users/{Sid}",
        "/conversations/v1/Services/{ChatServiceSid}/Users/{UserSid}/Conversations/{ConversationSid}",
      ]),
    );
  });
});
