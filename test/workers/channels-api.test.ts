/**
 * Channel configurations over HTTP (/api/workspaces/WS…/channels): each kind created with what it
 * needs, secrets write-only (never echoed, sealed at rest, opened only for the adapters), every bad
 * input a 400 naming the field with nothing stored, and the usual scoping (401 without credentials,
 * 404 for a workspace that is not the caller's).
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChannelRecord } from "../../channels/channel-config";
import { app } from "../../workers/app";
import { workspaceFor } from "../../platform/objects";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const JSON_BODY = { ...AUTH, "content-type": "application/json" };
const call = (path: string, init: RequestInit = {}) => app.request(`https://sb.example${path}`, init, env);
const OTHER_ACCOUNT = "AC" + "6".repeat(32);
const TWILIO_AC = "AC" + "a".repeat(32);

type Body = ChannelRecord & { webhook_url: string; url: string };
let ws = "";
let workflowSid = "";
const base = () => `/api/workspaces/${ws}/channels`;
const post = (path: string, form: Record<string, string>) =>
  call(path, { method: "POST", headers: FORM, body: new URLSearchParams(form).toString() });
const errorOf = async (response: Response) => ((await response.json()) as { message: string }).message;

beforeAll(async () => {
  const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=channels&Template=FIFO" });
  ws = ((await created.json()) as { sid: string }).sid;
  const workflows = await call(`/taskrouter/v1/Workspaces/${ws}/Workflows`, { headers: AUTH });
  workflowSid = ((await workflows.json()) as { workflows: { sid: string }[] }).workflows[0]!.sid;
});

/** What each kind needs, form-encoded. */
const KINDS: [string, Record<string, string>, Record<string, boolean>][] = [
  [
    "twilio",
    { "Settings.twilio_account_sid": TWILIO_AC, "Settings.phone_number": "+15552223333", "Secrets.auth_token": "tok" },
    { auth_token: true },
  ],
  [
    "whatsapp",
    { "Settings.phone_number_id": "1065", "Secrets.access_token": "a", "Secrets.app_secret": "b", "Secrets.verify_token": "c" },
    { access_token: true, app_secret: true, verify_token: true },
  ],
  [
    "messenger",
    { "Settings.page_id": "42", "Secrets.page_access_token": "a", "Secrets.app_secret": "b", "Secrets.verify_token": "c" },
    { page_access_token: true, app_secret: true, verify_token: true },
  ],
  [
    "instagram",
    { "Settings.page_id": "43", "Secrets.page_access_token": "a", "Secrets.app_secret": "b", "Secrets.verify_token": "c" },
    { page_access_token: true, app_secret: true, verify_token: true },
  ],
  ["email", { "Settings.address": "support@team.example" }, { mail_api_key: false, inbound_parse_secret: false }],
  ["webchat", { "Settings.title": "Chat with us", "Settings.color": "#1a73e8" }, {}],
  ["custom", { "Settings.outbound_url": "https://team.example/in", "Secrets.signing_secret": "s" }, { signing_secret: true }],
];

describe("creating channels", () => {
  it.each(KINDS)("creates a %s channel with its webhook URL; secrets show only as set", async (kind, form, secrets) => {
    const response = await post(base(), { Kind: kind, FriendlyName: `${kind} line`, ...form });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Body;
    expect(body).toMatchObject({
      kind,
      friendly_name: `${kind} line`,
      workspace_sid: ws,
      account_sid: env.ACCOUNT_SID,
      workflow_sid: null,
      secrets,
    });
    expect(body.sid).toMatch(/^XC[0-9a-f]{32}$/);
    expect(body.webhook_url).toBe(`https://sb.example/webhooks/${ws}/${body.sid}`);
    expect(body.url).toBe(`https://sb.example${base()}/${body.sid}`);
    for (const value of Object.values(form).filter((_v, i) => Object.keys(form)[i]!.startsWith("Secrets."))) {
      expect(JSON.stringify(body)).not.toContain(`"${value}"`);
    }
    const fetched = (await (await call(`${base()}/${body.sid}`, { headers: AUTH })).json()) as Body;
    expect(fetched).toEqual(body);
  });

  it("defaults the task channel per kind and accepts a workflow of the workspace", async () => {
    const response = await post(base(), { Kind: "twilio", WorkflowSid: workflowSid, ...KINDS[0]![1] });
    expect(await response.json()).toMatchObject({ task_channel: "sms", workflow_sid: workflowSid });
  });

  it("accepts JSON with settings and secrets objects", async () => {
    const response = await call(base(), {
      method: "POST",
      headers: JSON_BODY,
      body: JSON.stringify({
        Kind: "custom",
        TaskChannel: "default",
        settings: { outbound_url: "https://team.example/x" },
        secrets: { signing_secret: "s" },
      }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      task_channel: "default",
      settings: { outbound_url: "https://team.example/x" },
      secrets: { signing_secret: true },
    });
  });
});

describe("refusing bad input (400 naming the field, nothing stored)", () => {
  const twilio = KINDS[0]![1];
  it.each([
    ["an unknown kind", { Kind: "fax" }, "Kind"],
    ["a setting of another kind", { Kind: "twilio", ...twilio, "Settings.page_id": "1" }, "Settings.page_id"],
    ["a setting no kind has", { Kind: "twilio", ...twilio, "Settings.colour": "red" }, "Settings.colour"],
    [
      "a secret of another kind",
      { Kind: "custom", "Settings.outbound_url": "https://x.example", "Secrets.signing_secret": "s", "Secrets.auth_token": "t" },
      "Secrets.auth_token",
    ],
    [
      "a missing required setting",
      { Kind: "twilio", "Settings.twilio_account_sid": TWILIO_AC, "Secrets.auth_token": "t" },
      "Settings.phone_number",
    ],
    [
      "a missing required secret",
      { Kind: "twilio", "Settings.twilio_account_sid": TWILIO_AC, "Settings.phone_number": "+15552223333" },
      "Secrets.auth_token",
    ],
    ["a phone number that is not E.164", { Kind: "twilio", ...twilio, "Settings.phone_number": "555-1234" }, "Settings.phone_number"],
    [
      "a Twilio account that is not an AC SID",
      { Kind: "twilio", ...twilio, "Settings.twilio_account_sid": "ACnope" },
      "Settings.twilio_account_sid",
    ],
    ["a URL that is not http(s)", { Kind: "twilio", ...twilio, "Settings.api_base_url": "ftp://api.twilio.com" }, "Settings.api_base_url"],
    ["a workflow that does not exist", { Kind: "twilio", ...twilio, WorkflowSid: "WW" + "0".repeat(32) }, "WorkflowSid"],
    ["a workflow that is not a SID", { Kind: "twilio", ...twilio, WorkflowSid: "main" }, "WorkflowSid"],
    ["a task channel that does not exist", { Kind: "twilio", ...twilio, TaskChannel: "pigeon" }, "TaskChannel"],
    ["a colour that is not hex", { Kind: "webchat", "Settings.color": "blue" }, "Settings.color"],
  ])("refuses %s", async (_case, form, field) => {
    const before = ((await (await call(base(), { headers: AUTH })).json()) as { channels: unknown[] }).channels.length;
    const response = await post(base(), form);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toContain(field);
    const after = ((await (await call(base(), { headers: AUTH })).json()) as { channels: unknown[] }).channels.length;
    expect(after).toBe(before);
  });
  it.each(["__proto__", "constructor", "toString"])("refuses a setting or secret named %s by its name (JSON)", async (name) => {
    for (const body of [
      { Kind: "webchat", settings: JSON.parse(`{${JSON.stringify(name)}:"x"}`) as unknown },
      { Kind: "webchat", secrets: JSON.parse(`{${JSON.stringify(name)}:"x"}`) as unknown },
    ]) {
      const response = await call(base(), { method: "POST", headers: JSON_BODY, body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatch(new RegExp(`^Invalid parameter (Settings|Secrets)\\.${name}: is not a`));
    }
  });
});

describe("updating and deleting", () => {
  it("replaces and clears secrets write-only, keeps unnamed settings, and bumps the version", async () => {
    const created = (await (await post(base(), { Kind: "twilio", ...KINDS[0]![1] })).json()) as Body;
    const path = `${base()}/${created.sid}`;
    const stub = workspaceFor(env, ws);
    const v1 = await stub.channelConfig(env.ACCOUNT_SID!, created.sid);
    expect(v1).toMatchObject({ ok: true, value: { secrets: { auth_token: "tok" }, version: 1 } });

    const updated = await post(path, { FriendlyName: "Main line", "Secrets.auth_token": "rotated" });
    expect(updated.status).toBe(200);
    const body = (await updated.json()) as Body;
    expect(body).toMatchObject({ friendly_name: "Main line", settings: { phone_number: "+15552223333" }, secrets: { auth_token: true } });
    expect(JSON.stringify(body)).not.toContain("rotated");
    expect(await stub.channelConfig(env.ACCOUNT_SID!, created.sid)).toMatchObject({
      ok: true,
      value: { secrets: { auth_token: "rotated" }, version: 2, webhookUrl: `https://sb.example/webhooks/${ws}/${created.sid}` },
    });

    // A required secret cannot be cleared; an optional setting can.
    const cleared = await post(path, { "Secrets.auth_token": "" });
    expect(cleared.status).toBe(400);
    expect(await errorOf(cleared)).toContain("Secrets.auth_token");
    const withBase = await post(path, { "Settings.api_base_url": "https://api.twilio.example" });
    expect(((await withBase.json()) as Body).settings.api_base_url).toBe("https://api.twilio.example");
    const withoutBase = await post(path, { "Settings.api_base_url": "" });
    expect(((await withoutBase.json()) as Body).settings).toEqual({ twilio_account_sid: TWILIO_AC, phone_number: "+15552223333" });

    expect((await call(path, { method: "DELETE", headers: AUTH })).status).toBe(204);
    expect((await call(path, { headers: AUTH })).status).toBe(404);
    expect(await stub.channelConfig(env.ACCOUNT_SID!, created.sid)).toMatchObject({ ok: false, status: 404 });
  });

  it("keeps secrets sealed at rest: the stored bytes do not contain them", async () => {
    const created = (await (
      await post(base(), { Kind: "custom", "Settings.outbound_url": "https://t.example", "Secrets.signing_secret": "plain-secret-123" })
    ).json()) as Body;
    const rows = await runInDurableObject(workspaceFor(env, ws), (_instance, state) =>
      state.storage.sql.exec("SELECT sealed FROM channel_secrets WHERE channel_sid = ?", created.sid).toArray(),
    );
    expect(rows).toHaveLength(1);
    const bytes = new TextDecoder("latin1").decode(rows[0]!.sealed as ArrayBuffer);
    expect(bytes).not.toContain("plain-secret-123");
  });
});

describe("listing, scoping and authentication", () => {
  it("lists channels with Twilio's paging meta under the key channels", async () => {
    const response = await call(`${base()}?PageSize=2`, { headers: AUTH });
    const body = (await response.json()) as { channels: Body[]; meta: { key: string; page_size: number; next_page_url: string | null } };
    expect(body.meta).toMatchObject({ key: "channels", page_size: 2 });
    expect(body.channels).toHaveLength(2);
    expect(body.meta.next_page_url).toContain("PageToken=");
    const next = (await (await call(body.meta.next_page_url!.replace("https://sb.example", ""), { headers: AUTH })).json()) as {
      channels: Body[];
    };
    expect(next.channels.map((c) => c.sid)).not.toContain(body.channels[0]!.sid);
  });

  it("answers 401 without credentials and 404 for a workspace that does not exist or is another account's", async () => {
    expect((await call(base())).status).toBe(401);
    expect((await post(base().replace(ws, "WS" + "0".repeat(32)), { Kind: "webchat" })).status).toBe(404);
    expect((await call("/api/workspaces/nonsense/channels", { headers: AUTH })).status).toBe(404);
    expect((await call(`${base()}/XC${"0".repeat(32)}`, { headers: AUTH })).status).toBe(404);
    const stub = workspaceFor(env, ws);
    expect(await stub.createChannel(OTHER_ACCOUNT, { kind: "webchat" })).toMatchObject({ ok: false, status: 404 });
    expect(await stub.listChannels(OTHER_ACCOUNT, { pageSize: 50, page: 0 })).toMatchObject({ ok: false, status: 404 });
  });

  it("documents the endpoints in /openapi.json", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/api/workspaces/{WorkspaceSid}/channels"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/api/workspaces/{WorkspaceSid}/channels/{ChannelSid}"] ?? {}).sort()).toEqual(["delete", "get", "post"]);
    // the webhook a provider calls, and the widget's routes, are described too (their bodies are the providers')
    expect(Object.keys(doc.paths["/webhooks/{WorkspaceSid}/{ChannelSid}"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(doc.paths["/api/webchat/{WorkspaceSid}/{ChannelSid}/messages"]?.post).toMatchObject({ tags: ["Web chat"] });
  });
});
