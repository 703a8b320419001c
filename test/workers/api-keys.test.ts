/**
 * API keys over HTTP: the account creates one, the key authenticates TaskRouter calls, its secret is
 * never shown again, a key cannot manage keys, and a deleted key stops working at once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";

const basic = (user: string, password: string) => ({ authorization: "Basic " + btoa(`${user}:${password}`) });
const ACCOUNT = basic(env.ACCOUNT_SID!, env.AUTH_TOKEN!);
const call = (path: string, init: RequestInit = {}) => app.request(path, init, env);

describe("API keys", () => {
  it("live from creation to deletion", async () => {
    const created = await call("/api/keys", {
      method: "POST",
      headers: { ...ACCOUNT, "content-type": "application/x-www-form-urlencoded" },
      body: "FriendlyName=crm",
    });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { sid: string; secret: string; friendly_name: string };
    expect(key.sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(key.friendly_name).toBe("crm");

    // The key authenticates the TaskRouter API (a 404 for a workspace that does not exist, not a 401).
    expect((await call(`/taskrouter/v1/Workspaces/WS${"0".repeat(32)}`, { headers: basic(key.sid, key.secret) })).status).toBe(404);
    expect((await call(`/taskrouter/v1/Workspaces/WS${"0".repeat(32)}`, { headers: basic(key.sid, "wrong") })).status).toBe(401);

    // Listed without its secret; a key may not manage keys.
    const listed = (await (await call("/api/keys", { headers: ACCOUNT })).json()) as { keys: Record<string, unknown>[] };
    expect(listed.keys.map((k) => k.sid)).toContain(key.sid);
    expect(JSON.stringify(listed)).not.toContain(key.secret);
    expect((await call("/api/keys", { headers: basic(key.sid, key.secret) })).status).toBe(403);

    expect((await call(`/api/keys/${key.sid}`, { method: "DELETE", headers: ACCOUNT })).status).toBe(204);
    expect((await call(`/taskrouter/v1/Workspaces/WS${"0".repeat(32)}`, { headers: basic(key.sid, key.secret) })).status).toBe(401);
    expect((await call(`/api/keys/${key.sid}`, { method: "DELETE", headers: ACCOUNT })).status).toBe(404);
  });

  it("needs credentials and rejects a bad name", async () => {
    expect((await call("/api/keys", { method: "POST" })).status).toBe(401);
    const res = await call("/api/keys", {
      method: "POST",
      headers: { ...ACCOUNT, "content-type": "application/x-www-form-urlencoded" },
      body: "FriendlyName=" + "x".repeat(65),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("FriendlyName");
  });
});
