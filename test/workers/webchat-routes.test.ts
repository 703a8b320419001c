/**
 * The widget's public routes through the Worker: the public configuration, CORS by the channel's
 * allowed_origins, visitor sessions (a forged, expired or other channel's token starts a new visitor,
 * never passes), the pre-chat form's checks, and attachments (type, size, who may read them).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { mintVisitorSession } from "../../workers/auth/visitor-session";
import { newChannel, newWorkspace, openSocket, ORIGIN, SHOP, widget } from "./webchat-helpers";

let ws = "";
let chat = ""; // allowed_origins = the shop
let open = ""; // allowed_origins = *
let closed = ""; // no allowed_origins
let sms = "";

beforeAll(async () => {
  ws = await newWorkspace("webchat routes");
  chat = await newChannel(ws, {
    Kind: "webchat",
    FriendlyName: "Shop chat",
    "Settings.title": "Shop support",
    "Settings.greeting": "Hi! How can we help?",
    "Settings.color": "#0a7d4f",
    "Settings.prechat_fields": "name,email",
    "Settings.allowed_origins": `${SHOP}, https://*.shop.example`,
  });
  open = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" });
  closed = await newChannel(ws, { Kind: "webchat", FriendlyName: "Unconfigured" });
  sms = await newChannel(ws, {
    Kind: "twilio",
    "Settings.twilio_account_sid": "AC" + "a".repeat(32),
    "Settings.phone_number": "+15552223333",
    "Secrets.auth_token": "secret",
  });
});

describe("GET …/config", () => {
  it("tells the widget the channel's title, greeting, colours and pre-chat fields, and nothing else", async () => {
    const res = await widget(ws, chat).get("/config");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sid: chat,
      title: "Shop support",
      greeting: "Hi! How can we help?",
      color: "#0a7d4f",
      text_color: "#ffffff",
      prechat_fields: ["name", "email"],
    });
  });

  it("falls back to the channel's name and Switchboard's colours", async () => {
    const res = await widget(ws, closed, null).get("/config");
    expect(res.body).toMatchObject({ title: "Unconfigured", greeting: "", color: "#1f6feb", prechat_fields: [] });
  });

  it.each([
    ["a channel of another kind", () => widget(ws, sms)],
    ["an unknown channel", () => widget(ws, "XC" + "0".repeat(32))],
    ["a channel under another workspace", () => widget("WS" + "0".repeat(32), chat)],
    ["a malformed SID", () => widget(ws, "XC123")],
  ])("answers 404 for %s", async (_, routes) => {
    const res = await routes().get("/config");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, code: 20404 });
  });
});

describe("CORS", () => {
  it.each([
    ["the listed origin", () => chat, SHOP],
    ["a subdomain the wildcard covers", () => chat, "https://eu.shop.example"],
    ["any origin when the channel says *", () => open, "https://anyone.example"],
    ["Switchboard's own origin with nothing listed", () => closed, ORIGIN],
  ])("answers the preflight of %s", async (_, channel, origin) => {
    const res = await widget(ws, channel(), origin).raw("/messages", {
      method: "OPTIONS",
      headers: { "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("access-control-allow-headers")).toMatch(/authorization/i);
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it.each([
    ["an unlisted origin", () => chat, "https://evil.example"],
    ["a lookalike of the listed one", () => chat, "https://shop.example.evil.example"],
    ["any other site when nothing is listed", () => closed, SHOP],
  ])("refuses %s with 403, preflight or not, and creates no session", async (_, channel, origin) => {
    const preflight = await widget(ws, channel(), origin).raw("/sessions", { method: "OPTIONS" });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const res = await widget(ws, channel(), origin).post("/sessions", {});
    expect(res.status).toBe(403);
    expect(res.body.message).toContain("allowed_origins");
    expect(res.body).not.toHaveProperty("token");
  });

  it("lets a refused page read the refusal (and nothing else), so its widget can say the chat is not available there", async () => {
    const res = await widget(ws, chat, "https://evil.example").get("/config");
    expect(res.status).toBe(403);
    expect(res.body.message).toContain("allowed_origins");
    expect(res.body).not.toHaveProperty("title");
    expect(res.headers.get("access-control-allow-origin")).toBe("https://evil.example");
    expect(res.headers.get("access-control-allow-methods")).toBeNull(); // no preflight passes: no POST follows
    expect(res.headers.get("vary")).toMatch(/origin/i);
  });

  // A browser always says which page calls (fetch and WebSocket alike); a request that names none is no
  // page of an allowed site, so only a channel open to any site (*) takes it.
  it.each([
    ["a channel that lists its sites", () => chat],
    ["a channel that lists none (Switchboard's own origin only)", () => closed],
  ])("refuses a session, a message or an upload without an Origin on %s, with a 403 naming the header", async (_, channel) => {
    const visitor = await widget(ws, channel(), channel() === chat ? SHOP : ORIGIN).session();
    const anonymous = widget(ws, channel(), null);
    for (const res of [
      await anonymous.post("/sessions", {}),
      await anonymous.post("/sessions", { token: visitor.token }),
      await anonymous.post("/messages", { client_id: "c1", body: "hi" }, visitor.token),
      await anonymous.upload(new Uint8Array([1]), "text/plain", visitor.token),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 20403 });
      expect(res.body.message).toMatch(/Origin header.*allowed_origins/);
      expect(res.body).not.toHaveProperty("token");
    }
    const socket = await openSocket(`${anonymous.base}/socket`, ["switchboard.conversation.v1", `token.${visitor.token}`], null);
    expect((await socket.closed).code).toBe(4403);
  });

  it("lets a request without an Origin through on a channel open to any site (*), and the public config on any channel", async () => {
    expect((await widget(ws, open, null).post("/sessions", {})).status).toBe(200);
    expect((await widget(ws, chat, null).get("/config")).status).toBe(200);
  });

  it("puts the CORS headers on errors too, so the widget can read them", async () => {
    const res = await widget(ws, chat).post("/sessions", { email: "nope" });
    expect(res.status).toBe(400);
    expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
  });
});

describe("POST …/sessions", () => {
  it("makes a new visitor a session of 30 days, without a conversation yet", async () => {
    const session = await widget(ws, chat).session({ name: "Ada", email: "ada@example.com" });
    expect(session.visitor_id).toMatch(/^WV[0-9a-f]{32}$/);
    expect(session.conversation_sid).toBeNull();
    const days = (Date.parse(session.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it("keeps a returning visitor (same token) the same visitor, and the details they gave", async () => {
    const first = await widget(ws, chat).session({ name: "Ada" });
    const again = await widget(ws, chat).session({ token: first.token });
    expect(again.visitor_id).toBe(first.visitor_id);
    const payload = JSON.parse(atob(again.token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(payload).toMatchObject({ sub: first.visitor_id, name: "Ada", ws, xc: chat });
  });

  it.each([
    ["a forged token", async () => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJXVjEifQ.c2lnbmF0dXJl"],
    ["another channel's token", async () => (await widget(ws, open).session()).token],
    [
      "an expired token",
      async () =>
        (
          await mintVisitorSession(
            env.AUTH_TOKEN!,
            { visitorId: "WV" + "e".repeat(32), workspaceSid: ws, channelSid: chat, name: null, email: null, phone: null },
            Date.now() - 31 * 86_400_000,
          )
        ).token,
    ],
  ])("starts a new visitor for %s: never an error, never the old identity", async (_, token) => {
    const given = await token();
    const res = await widget(ws, chat).post("/sessions", { token: given });
    expect(res.status).toBe(200);
    const claims = JSON.parse(atob(given.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(res.body.visitor_id).not.toBe(claims.sub);
    expect(res.body.conversation_sid).toBeNull();
  });

  it.each([
    [{ name: "x".repeat(101) }, "name"],
    [{ email: "ada@" }, "email"],
    [{ phone: "555-1234" }, "phone"],
    [{ name: 7 }, "name"],
  ])("refuses pre-chat fields %j with a 400 naming %s", async (fields, field) => {
    const res = await widget(ws, chat).post("/sessions", fields);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(`Invalid parameter ${field}`);
    expect(res.body).not.toHaveProperty("token");
  });

  it.each([
    ["not JSON", "{name:", 400],
    ["an oversized body", JSON.stringify({ name: "x".repeat(20_000) }), 413],
  ])("refuses %s", async (_, body, status) => {
    expect((await widget(ws, chat).post("/sessions", body)).status).toBe(status);
  });
});

describe("attachments", () => {
  it("stores a visitor's image and serves it back to them only", async () => {
    const ada = await widget(ws, chat).session();
    const bob = await widget(ws, chat).session();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const up = await widget(ws, chat).upload(png, "image/png", ada.token, "shot.png");
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      sid: expect.stringMatching(/^ME[0-9a-f]{32}$/),
      content_type: "image/png",
      filename: "shot.png",
      size: 7,
    });
    const sid = up.body.sid as string;

    const mine = await widget(ws, chat).raw(`/media/${sid}?token=${ada.token}`);
    expect(mine.status).toBe(200);
    expect(mine.headers.get("content-type")).toBe("image/png");
    expect(mine.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await mine.arrayBuffer())).toEqual(png);

    const theirs = await widget(ws, chat).raw(`/media/${sid}`, { headers: { authorization: `Bearer ${bob.token}` } });
    expect(theirs.status).toBe(404);
    const anonymous = await widget(ws, chat).raw(`/media/${sid}`);
    expect(anonymous.status).toBe(401);
  });

  it.each([
    ["SVG (it can carry script)", "image/svg+xml"],
    ["HTML", "text/html"],
    ["no type at all", ""],
  ])("refuses %s with 415", async (_, type) => {
    const ada = await widget(ws, chat).session();
    const res = await widget(ws, chat).upload(new TextEncoder().encode("<svg onload=alert(1)>"), type, ada.token);
    expect(res.status).toBe(415);
    expect(res.body.message).toContain("Content-Type");
  });

  it("refuses more than 10 MB with 413", async () => {
    const ada = await widget(ws, chat).session();
    const res = await widget(ws, chat).upload(new Uint8Array(10 * 1024 * 1024 + 1), "application/pdf", ada.token);
    expect(res.status).toBe(413);
  });

  it("slows a visitor down after a burst of uploads (5), with 429", async () => {
    const ada = await widget(ws, chat).session();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await widget(ws, chat).upload(new Uint8Array([i]), "text/plain", ada.token)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it("refuses an upload without a session", async () => {
    const res = await widget(ws, chat).raw("/media", {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: new Uint8Array([1]),
    });
    expect(res.status).toBe(401);
  });
});

describe("GET …/socket", () => {
  it.each([
    ["no session", () => [] as string[], 4401],
    ["a forged session", () => ["switchboard.conversation.v1", "token.eyJhbGciOiJIUzI1NiJ9.e30.c2ln"], 4401],
  ])("closes %s with %i after the upgrade", async (_, protocols, code) => {
    const live = await openSocket(`${widget(ws, chat).base}/socket`, protocols());
    expect((await live.closed).code).toBe(code);
  });

  it("closes a session of another channel with 4401: it is never accepted here", async () => {
    const other = await widget(ws, open).session();
    const live = await openSocket(`${widget(ws, chat).base}/socket`, ["switchboard.conversation.v1", `token.${other.token}`]);
    expect((await live.closed).code).toBe(4401);
  });

  it("closes a visitor without a conversation with 4404, answering the subprotocol", async () => {
    const ada = await widget(ws, chat).session();
    const live = await openSocket(`${widget(ws, chat).base}/socket`, ["switchboard.conversation.v1", `token.${ada.token}`]);
    expect(live.protocol).toBe("switchboard.conversation.v1");
    expect(await live.closed).toEqual({ code: 4404, reason: "no conversation yet" });
  });

  it("closes a page of an unlisted origin with 4403", async () => {
    const ada = await widget(ws, chat).session();
    const live = await openSocket(
      `${widget(ws, chat).base}/socket`,
      ["switchboard.conversation.v1", `token.${ada.token}`],
      "https://evil.example",
    );
    expect((await live.closed).code).toBe(4403);
  });
});
