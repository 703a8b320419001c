/**
 * A channel's `Region` (/api/workspaces/WS…/channels): where the tasks of its conversations are created.
 * Optional (null: the region nearest the customer among the workspace's, else its home); one of
 * regions.json's, inside a pinned workspace's jurisdiction; a bad one is a 400 naming it that stores
 * and changes nothing; an empty one clears it.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { workspaceFor } from "../../platform/objects";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const call = (path: string, init: RequestInit = {}) => app.request(`https://sb.example${path}`, init, env);
const post = (path: string, form: Record<string, string>) =>
  call(path, { method: "POST", headers: FORM, body: new URLSearchParams(form).toString() });
const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });

let ws = "";
let pinned = "";
const channels = (workspaceSid: string) => `/api/workspaces/${workspaceSid}/channels`;
const count = async (workspaceSid: string) =>
  ((await json(await call(channels(workspaceSid), { headers: AUTH }))).body.channels as []).length;

beforeAll(async () => {
  ws = (await json(await post("/taskrouter/v1/Workspaces", { FriendlyName: "channel regions", Template: "FIFO" }))).body.sid as string;
  pinned = (await json(await post("/taskrouter/v1/Workspaces", { FriendlyName: "EU", Template: "FIFO", Jurisdiction: "eu" }))).body
    .sid as string;
});

describe("a channel's Region", () => {
  it("is null unless given, is kept, handed to the inbound path, and cleared by an empty value", async () => {
    const plain = await json(await post(channels(ws), { Kind: "webchat" }));
    expect(plain).toMatchObject({ status: 201, body: { region: null } });

    const created = await json(await post(channels(ws), { Kind: "webchat", Region: "eu-ireland" }));
    expect(created).toMatchObject({ status: 201, body: { region: "eu-ireland" } });
    const sid = created.body.sid as string;
    expect(await json(await call(`${channels(ws)}/${sid}`, { headers: AUTH }))).toMatchObject({ body: { region: "eu-ireland" } });
    const config = await workspaceFor(env, ws).channelConfig(env.ACCOUNT_SID!, sid);
    expect(config).toMatchObject({ ok: true, value: { region: "eu-ireland" } });

    expect(await json(await post(`${channels(ws)}/${sid}`, { Region: "ap-sydney" }))).toMatchObject({ body: { region: "ap-sydney" } });
    expect(await json(await post(`${channels(ws)}/${sid}`, { FriendlyName: "Chat" }))).toMatchObject({ body: { region: "ap-sydney" } });
    expect(await json(await post(`${channels(ws)}/${sid}`, { Region: "" }))).toMatchObject({ body: { region: null } });
  });

  it("that is not one of the deployment's is a 400 naming them, and nothing is stored", async () => {
    const before = await count(ws);
    const refused = await json(await post(channels(ws), { Kind: "webchat", Region: "mars-base" }));
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      'Invalid parameter Region: must be one of this deployment\'s regions: us-east, us-west, eu-ireland, eu-frankfurt, ap-singapore, ap-tokyo, ap-sydney, sa-sao-paulo (got "mars-base")',
    );
    expect(await count(ws)).toBe(before);
  });

  it("outside a pinned workspace's jurisdiction is a 400 naming it, on create and on update, and nothing changes", async () => {
    const before = await count(pinned);
    const refused = await json(await post(channels(pinned), { Kind: "webchat", Region: "eu-ireland" }));
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      `Invalid parameter Region: eu-ireland is outside the jurisdiction of workspace ${pinned} ("eu"; its regions: eu-frankfurt)`,
    );
    expect(await count(pinned)).toBe(before);

    const inside = await json(await post(channels(pinned), { Kind: "webchat", Region: "eu-frankfurt", FriendlyName: "EU chat" }));
    expect(inside).toMatchObject({ status: 201, body: { region: "eu-frankfurt" } });
    const sid = inside.body.sid as string;
    const moved = await json(await post(`${channels(pinned)}/${sid}`, { Region: "us-east", FriendlyName: "Moved" }));
    expect(moved.status).toBe(400);
    expect(await json(await call(`${channels(pinned)}/${sid}`, { headers: AUTH }))).toMatchObject({
      body: { region: "eu-frankfurt", friendly_name: "EU chat" },
    });
  });

  it("is described in /openapi.json, on create and update", async () => {
    type Schema = { properties: Record<string, unknown> };
    const doc = (await (await call("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: Schema }> } }>>;
    };
    for (const path of ["/api/workspaces/{WorkspaceSid}/channels", "/api/workspaces/{WorkspaceSid}/channels/{ChannelSid}"]) {
      const form = doc.paths[path]!.post!.requestBody.content["application/x-www-form-urlencoded"]!.schema;
      expect(JSON.stringify(form.properties.Region)).toMatch(/conversations' tasks are created in/);
    }
  });
});
