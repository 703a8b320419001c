/**
 * /api/workspaces/:WorkspaceSid/profiles over HTTP: create, read, link, look up, page, delete; a
 * customer's conversations; bad input named, conflicts, and the workspace checked to be the caller's.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newSid } from "../../contract/ids";
import { app } from "../../workers/app";
import { directoryFor, workspaceFor } from "../../platform/objects";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const JSON_BODY = { ...AUTH, "content-type": "application/json" };
const call = (path: string, init: RequestInit = {}) => app.request(`http://x${path}`, init, env);

interface Profile {
  sid: string;
  workspace_sid: string;
  friendly_name: string | null;
  email: string | null;
  phone: string | null;
  attributes: string;
  addresses: { channel: string; address: string }[];
  url: string;
  links: { conversations: string };
}
interface ListBody<T> {
  meta: { next_page_url: string | null; key: string };
  [key: string]: T[] | ListBody<T>["meta"];
}

async function workspace(): Promise<string> {
  const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=profiles" });
  return ((await created.json()) as { sid: string }).sid;
}

async function create(ws: string, body: string): Promise<Profile> {
  const response = await call(`/api/workspaces/${ws}/profiles`, { method: "POST", headers: FORM, body });
  expect(response.status).toBe(201);
  return (await response.json()) as Profile;
}

const listed = async (ws: string, query = "") =>
  ((await (await call(`/api/workspaces/${ws}/profiles${query}`, { headers: AUTH })).json()) as ListBody<Profile>).profiles as Profile[];

describe("/api/workspaces/:WorkspaceSid/profiles", () => {
  it("creates, fetches, links more addresses, finds by email or phone, and deletes a profile", async () => {
    const ws = await workspace();
    const made = await create(ws, "FriendlyName=Ada&Email=Ada%40Example.com&Address=sms%3A%2B15551234567&Address=web%3Avisitor-1");
    expect(made).toMatchObject({
      sid: expect.stringMatching(/^PR[0-9a-f]{32}$/),
      workspace_sid: ws,
      friendly_name: "Ada",
      email: "ada@example.com",
      phone: null,
      attributes: "{}",
      addresses: [
        { channel: "sms", address: "+15551234567" },
        { channel: "web", address: "visitor-1" },
      ],
      url: `http://x/api/workspaces/${ws}/profiles/${made.sid}`,
      links: { conversations: `http://x/api/workspaces/${ws}/profiles/${made.sid}/conversations` },
    });
    expect(await (await call(`/api/workspaces/${ws}/profiles/${made.sid}`, { headers: AUTH })).json()).toEqual(made);

    // JSON: addresses as objects; the WhatsApp number is the SMS phone, so it is the same person's
    const updated = await call(`/api/workspaces/${ws}/profiles/${made.sid}`, {
      method: "POST",
      headers: JSON_BODY,
      body: JSON.stringify({
        Phone: "+1 555 123 4567",
        Attributes: '{"tier":"gold"}',
        Address: [{ channel: "whatsapp", address: "whatsapp:+15551234567" }],
      }),
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ phone: "+15551234567", attributes: '{"tier":"gold"}', friendly_name: "Ada" });

    expect((await listed(ws, "?Email=ADA%40example.com")).map((p) => p.sid)).toEqual([made.sid]);
    expect((await listed(ws, "?Phone=15551234567")).map((p) => p.sid)).toEqual([made.sid]);
    expect(await listed(ws, "?Email=grace%40example.com")).toEqual([]);

    // an empty FriendlyName clears it
    const cleared = await call(`/api/workspaces/${ws}/profiles/${made.sid}`, { method: "POST", headers: FORM, body: "FriendlyName=" });
    expect(((await cleared.json()) as Profile).friendly_name).toBeNull();

    expect((await call(`/api/workspaces/${ws}/profiles/${made.sid}`, { method: "DELETE", headers: AUTH })).status).toBe(204);
    expect((await call(`/api/workspaces/${ws}/profiles/${made.sid}`, { headers: AUTH })).status).toBe(404);
    expect(await listed(ws)).toEqual([]);
  });

  it("pages the list with Twilio's meta", async () => {
    const ws = await workspace();
    const sids = [];
    for (const name of ["A", "B", "C"]) sids.push((await create(ws, `FriendlyName=${name}`)).sid);
    const first = (await (await call(`/api/workspaces/${ws}/profiles?PageSize=2`, { headers: AUTH })).json()) as ListBody<Profile>;
    expect(first.meta.key).toBe("profiles");
    const next = first.meta.next_page_url!;
    const second = (await (await call(next.replace("http://x", ""), { headers: AUTH })).json()) as ListBody<Profile>;
    expect([...(first.profiles as Profile[]), ...(second.profiles as Profile[])].map((p) => p.sid).sort()).toEqual([...sids].sort());
    expect(second.meta.next_page_url).toBeNull();
  });

  it("lists a customer's conversations across channels, newest first", async () => {
    const ws = await workspace();
    const directory = directoryFor(env, ws);
    const account = env.ACCOUNT_SID!;
    const base = { workspaceSid: ws, customerName: "Ada", thread: null } as const;
    const sms = await directory.resolveInbound(account, {
      ...base,
      channelSid: "XC" + "1".repeat(32),
      channel: "sms",
      customerAddress: "+15551234567",
      newConversationSid: newSid("CH"),
    });
    if (!sms.ok) throw new Error(sms.message);
    await directory.upsert(account, {
      sid: sms.value.conversationSid,
      uniqueName: null,
      friendlyName: null,
      state: "closed",
      channel: "sms",
      channelSid: "XC" + "1".repeat(32),
      customerAddress: "+15551234567",
      profileSid: sms.value.customer.profileSid,
      lastWorkerSid: null,
      dateCreated: Date.parse("2026-01-01T00:00:00Z"),
      dateUpdated: Date.parse("2026-01-01T00:00:00Z"),
    });
    const wa = await directory.resolveInbound(account, {
      ...base,
      channelSid: "XC" + "2".repeat(32),
      channel: "whatsapp",
      customerAddress: "15551234567",
      newConversationSid: newSid("CH"),
    });
    if (!wa.ok) throw new Error(wa.message);
    expect(wa.value.customer.profileSid).toBe(sms.value.customer.profileSid);

    const response = await call(`/api/workspaces/${ws}/profiles/${sms.value.customer.profileSid}/conversations`, { headers: AUTH });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ListBody<{ sid: string; channel: string; state: string; url: string }>;
    expect(body.conversations).toEqual([
      expect.objectContaining({ sid: wa.value.conversationSid, channel: "whatsapp", state: "active" }),
      expect.objectContaining({
        sid: sms.value.conversationSid,
        channel: "sms",
        state: "closed",
        url: `http://x/conversations/v1/Conversations/${sms.value.conversationSid}`,
      }),
    ]);
  });

  it.each([
    ["Email=not-an-email", "Email"],
    ["Phone=call+me", "Phone"],
    ["Attributes=%5B1%5D", "Attributes"],
    ["Attributes=%7B", "Attributes"],
    ["Address=fax%3A123", "Address"],
    ["Address=no-channel", "Address"],
    ["Address=email%3Anobody", "Address"],
    [`FriendlyName=${"x".repeat(257)}`, "FriendlyName"],
    ["Colour=blue", "Colour"],
  ])("refuses %s with a 400 naming %s, and creates nothing", async (body, field) => {
    const ws = await workspace();
    const response = await call(`/api/workspaces/${ws}/profiles`, { method: "POST", headers: FORM, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(field);
    expect(await listed(ws)).toEqual([]);
  });

  it("refuses a body that is not JSON, and an address another profile holds (409 naming it)", async () => {
    const ws = await workspace();
    const bad = await call(`/api/workspaces/${ws}/profiles`, { method: "POST", headers: JSON_BODY, body: "{nope" });
    expect(bad.status).toBe(400);
    const ada = await create(ws, "Email=ada%40example.com");
    const grace = await create(ws, "FriendlyName=Grace");
    const clash = await call(`/api/workspaces/${ws}/profiles/${grace.sid}`, {
      method: "POST",
      headers: FORM,
      body: "Address=email%3AADA%40example.com",
    });
    expect(clash.status).toBe(409);
    expect(((await clash.json()) as { message: string }).message).toContain(ada.sid);
    expect(((await (await call(`/api/workspaces/${ws}/profiles/${grace.sid}`, { headers: AUTH })).json()) as Profile).addresses).toEqual(
      [],
    );
  });

  it("needs credentials, and answers 404 for a workspace that is not the caller's and a profile it does not hold", async () => {
    const ws = await workspace();
    expect((await call(`/api/workspaces/${ws}/profiles`)).status).toBe(401);
    expect((await call(`/api/workspaces/${ws}/profiles`, { method: "POST", body: "FriendlyName=x" })).status).toBe(401);
    expect(
      (await call(`/api/workspaces/${ws}/profiles`, { headers: { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:wrong`) } })).status,
    ).toBe(401);

    // another account's workspace, one that does not exist, and a path that is no workspace SID
    const foreign = newSid("WS");
    await workspaceFor(env, foreign).createWorkspace("AC" + "9".repeat(32), foreign, { friendlyName: "theirs" });
    for (const other of [foreign, newSid("WS"), "nonsense"]) {
      expect((await call(`/api/workspaces/${other}/profiles`, { headers: AUTH })).status).toBe(404);
      expect((await call(`/api/workspaces/${other}/profiles`, { method: "POST", headers: FORM, body: "FriendlyName=x" })).status).toBe(404);
    }
    // a profile of another workspace of the same account is not found here
    const elsewhere = await create(await workspace(), "FriendlyName=Elsewhere");
    for (const path of [`/profiles/${elsewhere.sid}`, `/profiles/${elsewhere.sid}/conversations`, "/profiles/PR123"]) {
      expect((await call(`/api/workspaces/${ws}${path}`, { headers: AUTH })).status).toBe(404);
    }
    expect((await call(`/api/workspaces/${ws}/profiles/${elsewhere.sid}`, { method: "DELETE", headers: AUTH })).status).toBe(404);
  });
});
