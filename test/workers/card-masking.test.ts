/**
 * Card numbers sent over the TaskRouter REST API — task attributes (create, update), worker attributes
 * (create, update) — are masked before the Router stores them, and so in the Events API too, by
 * default; `CardMaskingEnabled=false` on the Workspace turns it off (attributes stored as sent) and
 * `true` back on, through the real WorkspaceDO → RouterDO push. A value that is not true or false is a
 * 400 that changes nothing.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { call as callAs } from "./taskrouter-call";

const CARD = "4111 1111 1111 1111";
const CARD_DIGITS = /4111.?1111.?1111.?1111/;

type Body = Record<string, unknown> & { sid: string; attributes: string };

const call = (method: string, path: string, params?: Record<string, string>) => callAs<Body>(method, path, params);

let ws = "";
beforeAll(async () => {
  const created = await call("POST", "/Workspaces", { FriendlyName: "Masking", Template: "FIFO" });
  expect(created.status).toBe(201);
  ws = created.body.sid;
});

describe("card numbers over the TaskRouter API", () => {
  it("are masked by default in task and worker attributes and in the events", async () => {
    expect((await call("GET", `/Workspaces/${ws}`)).body.card_masking_enabled).toBe(true);
    const worker = await call("POST", `/Workspaces/${ws}/Workers`, {
      FriendlyName: "ann",
      Attributes: JSON.stringify({ note: CARD, contact_uri: "client:ann" }),
    });
    expect(worker.status).toBe(201);
    expect(JSON.parse(worker.body.attributes)).toEqual({ note: "**** **** **** 1111", contact_uri: "client:ann" });
    const updatedWorker = await call("POST", `/Workspaces/${ws}/Workers/${worker.body.sid}`, {
      Attributes: JSON.stringify({ note: CARD, card: "4111-1111-1111-1111" }),
    });
    expect(JSON.parse(updatedWorker.body.attributes)).toEqual({ note: "**** **** **** 1111", card: "****-****-****-1111" });

    const task = await call("POST", `/Workspaces/${ws}/Tasks`, {
      Attributes: JSON.stringify({ ivr_digits: "4111111111111111", from: "+4915100000160" }),
    });
    expect(task.status).toBe(201);
    expect(JSON.parse(task.body.attributes)).toEqual({ ivr_digits: "************1111", from: "+4915100000160" });
    const updatedTask = await call("POST", `/Workspaces/${ws}/Tasks/${task.body.sid}`, {
      Attributes: JSON.stringify({ note: `card ${CARD}` }),
    });
    expect(JSON.parse(updatedTask.body.attributes)).toEqual({ note: "card **** **** **** 1111" });
    expect((await call("GET", `/Workspaces/${ws}/Tasks/${task.body.sid}`)).body.attributes).toBe(updatedTask.body.attributes);

    const events = await call("GET", `/Workspaces/${ws}/Events?PageSize=1000`);
    const types = (events.body.events as { event_type: string }[]).map((e) => e.event_type);
    expect(types).toEqual(expect.arrayContaining(["task.created", "task.updated", "worker.created", "worker.attributes.update"]));
    expect(JSON.stringify(events.body)).not.toMatch(CARD_DIGITS);
  });

  it("are stored as sent once the workspace turns masking off, and masked again once it turns it back on", async () => {
    const off = await call("POST", `/Workspaces/${ws}`, { CardMaskingEnabled: "false" });
    expect(off.status).toBe(200);
    expect(off.body.card_masking_enabled).toBe(false);
    const text = JSON.stringify({ note: `card ${CARD}` });
    const task = await call("POST", `/Workspaces/${ws}/Tasks`, { Attributes: text });
    expect(task.body.attributes).toBe(text);

    const on = await call("POST", `/Workspaces/${ws}`, { CardMaskingEnabled: "TRUE" });
    expect(on.body.card_masking_enabled).toBe(true);
    const masked = await call("POST", `/Workspaces/${ws}/Tasks`, { Attributes: text });
    expect(JSON.parse(masked.body.attributes)).toEqual({ note: "card **** **** **** 1111" });
  });

  it("can start off: CardMaskingEnabled=false on create", async () => {
    const created = await call("POST", "/Workspaces", { FriendlyName: "Unmasked", Template: "FIFO", CardMaskingEnabled: "false" });
    expect(created.body.card_masking_enabled).toBe(false);
    const text = JSON.stringify({ note: CARD });
    expect((await call("POST", `/Workspaces/${created.body.sid}/Tasks`, { Attributes: text })).body.attributes).toBe(text);
  });

  it.each(["no", "0", "", "flase"])("refuses CardMaskingEnabled=%j with a 400 naming it, and changes nothing", async (given) => {
    const refused = await call("POST", `/Workspaces/${ws}`, { CardMaskingEnabled: given, FriendlyName: "Changed" });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/CardMaskingEnabled/);
    expect((await call("GET", `/Workspaces/${ws}`)).body).toMatchObject({ friendly_name: "Masking", card_masking_enabled: true });
  });

  it("is described in /openapi.json", async () => {
    const doc = (await (await app.request("http://sb.test/openapi.json", {}, env)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>
      >;
    };
    const update = doc.paths["/taskrouter/v1/Workspaces/{Sid}"]!.post!.requestBody.content["application/x-www-form-urlencoded"]!.schema;
    expect(JSON.stringify(update.properties.CardMaskingEnabled)).toMatch(/card numbers/i);
  });
});
