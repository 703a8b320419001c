/**
 * AccountDO: the account's workspace directory (kept by the WorkspaceDOs, listed by GET /Workspaces)
 * and its API keys (secret shown once, stored as a hash, verified in constant time).
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ApiResult } from "../../durable-objects/common/rpc";
import type { WorkspaceRecord } from "../../contract/taskrouter";
import { accountFor } from "../../platform/objects";

const value = <T>(result: ApiResult<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.message}`);
  return result.value;
};

const workspace = (n: number, friendlyName: string, dateCreated: string): WorkspaceRecord => ({
  account_sid: "AC" + "1".repeat(32),
  sid: "WS" + String(n).padStart(32, "0"),
  friendly_name: friendlyName,
  event_callback_url: null,
  events_filter: null,
  default_activity_sid: null,
  default_activity_name: null,
  timeout_activity_sid: null,
  timeout_activity_name: null,
  multi_task_enabled: true,
  card_masking_enabled: true,
  jurisdiction: null,
  prioritize_queue_order: "FIFO",
  date_created: dateCreated,
  date_updated: dateCreated,
});

describe("workspace directory", () => {
  it("lists workspaces oldest first, filters by friendly name, and follows puts and removes", async () => {
    const account = accountFor(env, "AC-directory");
    // Created out of order: 3 is oldest; 1 and 2 share a second, so the SID decides (1 before 2).
    await account.putWorkspace(workspace(2, "Sales", "2026-01-02T00:00:00Z"));
    await account.putWorkspace(workspace(1, "Support", "2026-01-02T00:00:00Z"));
    await account.putWorkspace(workspace(3, "Support", "2026-01-01T00:00:00Z"));
    const all = value(await account.listWorkspaces({}, { pageSize: 50, page: 0 }));
    expect(all.items.map((w) => w.sid.slice(-1))).toEqual(["3", "1", "2"]);
    expect(all.nextPageToken).toBeNull();

    const support = value(await account.listWorkspaces({ friendlyName: "Support" }, { pageSize: 50, page: 0 }));
    expect(support.items.map((w) => w.sid.slice(-1))).toEqual(["3", "1"]);

    // A put replaces the entry (a rename moves it between filters); a remove drops it.
    await account.putWorkspace({ ...workspace(1, "Billing", "2026-01-02T00:00:00Z"), date_updated: "2026-02-01T00:00:00Z" });
    await account.removeWorkspace(workspace(3, "", "").sid);
    const after = value(await account.listWorkspaces({}, { pageSize: 50, page: 0 }));
    expect(after.items.map((w) => [w.sid.slice(-1), w.friendly_name])).toEqual([
      ["1", "Billing"],
      ["2", "Sales"],
    ]);
    expect(after.items[0]).toEqual({ ...workspace(1, "Billing", "2026-01-02T00:00:00Z"), date_updated: "2026-02-01T00:00:00Z" });
  });

  it.each([1, 2, 50])("pages of %i visit each workspace once", async (pageSize) => {
    const account = accountFor(env, `AC-paging-${pageSize}`);
    for (let i = 0; i < 7; i++) await account.putWorkspace(workspace(i, `W${i}`, `2026-01-01T00:00:0${i}Z`));
    const seen: string[] = [];
    let token: string | undefined;
    for (let p = 0; p < 20; p++) {
      const page = value(await account.listWorkspaces({}, { pageSize, page: p, ...(token ? { pageToken: token } : {}) }));
      seen.push(...page.items.map((w) => w.friendly_name));
      if (!page.nextPageToken) break;
      token = page.nextPageToken;
    }
    expect(seen).toEqual(["W0", "W1", "W2", "W3", "W4", "W5", "W6"]);
  });

  it("answers a bad page token with a 400 naming PageToken", async () => {
    const result = await accountFor(env, "AC-bad-token").listWorkspaces({}, { pageSize: 5, page: 1, pageToken: "nope" });
    expect(result).toMatchObject({ ok: false, status: 400, code: 20001 });
  });
});

describe("API keys", () => {
  it("returns the secret once, stores only its SHA-256, and verifies it", async () => {
    const account = accountFor(env, "AC-keys");
    const key = value(await account.createApiKey("CI"));
    expect(key.sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(key.secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes of base64url, no padding
    expect(key.friendly_name).toBe("CI");
    expect(key.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    expect(await account.verifyApiKey(key.sid, key.secret)).toBe(true);
    expect(await account.verifyApiKey(key.sid, key.secret + "x")).toBe(false);
    expect(await account.verifyApiKey(key.sid, "")).toBe(false);
    expect(await account.verifyApiKey("SK" + "0".repeat(32), key.secret)).toBe(false);

    const stored = await runInDurableObject(account, (_instance, state) => state.storage.sql.exec("SELECT * FROM api_keys").toArray());
    expect(stored).toHaveLength(1);
    const hash = new Uint8Array(stored[0]!.secret_sha256 as ArrayBuffer);
    const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key.secret)));
    expect(hash).toEqual(expected);
    expect(JSON.stringify(stored)).not.toContain(key.secret);

    const listed = value(await account.listApiKeys({ pageSize: 50, page: 0 }));
    expect(listed.items).toEqual([{ sid: key.sid, friendly_name: "CI", date_created: key.date_created, date_updated: key.date_created }]);
  });

  it("gives every key its own secret, and a deleted key no longer verifies", async () => {
    const account = accountFor(env, "AC-keys-delete");
    const a = value(await account.createApiKey("a"));
    const b = value(await account.createApiKey("b"));
    expect(a.secret).not.toBe(b.secret);
    expect(await account.verifyApiKey(a.sid, b.secret)).toBe(false);
    expect(await account.deleteApiKey(a.sid)).toEqual({ ok: true, value: null });
    expect(await account.verifyApiKey(a.sid, a.secret)).toBe(false);
    expect(await account.verifyApiKey(b.sid, b.secret)).toBe(true);
    expect(await account.deleteApiKey(a.sid)).toMatchObject({ ok: false, status: 404, code: 20404 });
    expect(value(await account.listApiKeys({ pageSize: 50, page: 0 })).items.map((k) => k.sid)).toEqual([b.sid]);
  });

  it("refuses a friendly name longer than 64 characters", async () => {
    const account = accountFor(env, "AC-keys-long");
    const result = await account.createApiKey("x".repeat(65));
    expect(result).toMatchObject({ ok: false, status: 400, code: 20001 });
    expect(!result.ok && result.message).toContain("Invalid parameter FriendlyName");
    expect(value(await account.listApiKeys({ pageSize: 50, page: 0 })).items).toEqual([]);
  });
});
