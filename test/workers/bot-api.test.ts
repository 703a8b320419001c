/**
 * /api/workspaces/:WorkspaceSid/bot over HTTP: intents and entities (CRUD), settings, train and classify;
 * bad input named (empty or too many phrases, oversize text, a bad regex), another account's or a
 * malformed workspace a 404; and the team's external NLU endpoint, played by a double in place of
 * globalThis.fetch that checks the HMAC signature with its own WebCrypto code: a valid answer is the
 * classification, a bad answer, a wrong status or a timeout is a 502 (never a 500).
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../workers/app";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const JSON_BODY = { ...AUTH, "content-type": "application/json" };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const call = (path: string, init: RequestInit = {}) => app.request(`http://x${path}`, init, env);
const post = (path: string, body: unknown) => call(path, { method: "POST", headers: JSON_BODY, body: JSON.stringify(body) });

async function workspace(): Promise<string> {
  const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=bot-api" });
  return ((await created.json()) as { sid: string }).sid;
}

const ORDER = ["where is my order", "track my package", "has my order shipped", "when will my parcel arrive", "order status"];
const ORDER_ES = ["dónde está mi pedido", "rastrear mi paquete", "cuándo llega mi pedido", "estado de mi pedido"];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("/api/workspaces/:WorkspaceSid/bot", () => {
  it("creates intents and an entity, trains, and classifies in English and Spanish", async () => {
    const ws = await workspace();
    const made = await post(`/api/workspaces/${ws}/bot/intents`, {
      Name: "order.status",
      Language: "en",
      Phrases: ORDER,
      Answers: ["Checking…"],
    });
    expect(made.status).toBe(201);
    const intent = (await made.json()) as { sid: string; phrases: string[] };
    expect(intent).toMatchObject({ sid: expect.stringMatching(/^BI[0-9a-f]{32}$/), phrases: ORDER });
    // Form-encoded with repeated Phrases works too.
    const form = new URLSearchParams([["Name", "order.status"], ["Language", "es"], ...ORDER_ES.map((p) => ["Phrases", p])]);
    expect((await call(`/api/workspaces/${ws}/bot/intents`, { method: "POST", headers: FORM, body: form.toString() })).status).toBe(201);
    expect((await post(`/api/workspaces/${ws}/bot/entities`, { Name: "orderId", Pattern: "ORD-\\d{4,}" })).status).toBe(201);
    expect((await post(`/api/workspaces/${ws}/bot/entities`, { Name: "orderId", Pattern: "ORD-\\d{5,}" })).status).toBe(200);

    const untrained = await post(`/api/workspaces/${ws}/bot/classify`, { Text: "where is my order" });
    expect(untrained.status).toBe(409);
    const trained = await post(`/api/workspaces/${ws}/bot/train`, {});
    expect(await trained.json()).toMatchObject({ model_status: "trained", languages: ["en", "es"], threshold: 0.5 });

    const en = await post(`/api/workspaces/${ws}/bot/classify`, { Text: "Where is my order ORD-12345?" });
    expect(en.status).toBe(200);
    expect(await en.json()).toMatchObject({
      intent: "order.status",
      language: "en",
      answer: "Checking…",
      entities: [{ entity: "orderId", text: "ORD-12345", value: "ORD-12345" }],
    });
    const es = await post(`/api/workspaces/${ws}/bot/classify`, { Text: "¿dónde está mi pedido?" });
    expect(await es.json()).toMatchObject({ intent: "order.status", language: "es" });

    // A threshold of 1 leaves only certain answers: a partial match falls to None.
    await post(`/api/workspaces/${ws}/bot/settings`, { Threshold: 1 });
    const strict = (await (await post(`/api/workspaces/${ws}/bot/classify`, { Text: "my order and the weather today" })).json()) as {
      intent: string;
    };
    expect(strict.intent).toBe("None");

    // Update and delete: the model goes stale, the list follows.
    const updated = await post(`/api/workspaces/${ws}/bot/intents/${intent.sid}`, { Answers: ["One moment."] });
    expect(await updated.json()).toMatchObject({ answers: ["One moment."], phrases: ORDER });
    expect(await (await call(`/api/workspaces/${ws}/bot/settings`, { headers: AUTH })).json()).toMatchObject({ model_status: "stale" });
    expect((await call(`/api/workspaces/${ws}/bot/intents/${intent.sid}`, { method: "DELETE", headers: AUTH })).status).toBe(204);
    const listed = (await (await call(`/api/workspaces/${ws}/bot/intents`, { headers: AUTH })).json()) as {
      intents: { language: string }[];
    };
    expect(listed.intents.map((i) => i.language)).toEqual(["es"]);
    expect((await call(`/api/workspaces/${ws}/bot/intents/${intent.sid}`, { headers: AUTH })).status).toBe(404);
    expect((await call(`/api/workspaces/${ws}/bot/entities/orderId`, { method: "DELETE", headers: AUTH })).status).toBe(204);
    expect((await call(`/api/workspaces/${ws}/bot/entities/orderId`, { method: "DELETE", headers: AUTH })).status).toBe(404);
  });

  it("refuses bad input with a 400 naming the parameter, and changes nothing", async () => {
    const ws = await workspace();
    const intents = `/api/workspaces/${ws}/bot/intents`;
    const cases: [string, unknown, string][] = [
      [intents, { Name: "x", Language: "en", Phrases: [] }, "Phrases"],
      [intents, { Name: "x", Language: "en" }, "Phrases"],
      [intents, { Name: "x", Language: "en", Phrases: Array.from({ length: 201 }, (_, i) => `phrase ${i}`) }, "Phrases"],
      [intents, { Name: "x", Language: "en", Phrases: ["y".repeat(501)] }, "Phrases"],
      [intents, { Name: "x", Language: "de", Phrases: ["hallo"] }, "Language"],
      [intents, { Language: "en", Phrases: ["hi"] }, "Name"],
      [intents, { Name: "has space", Language: "en", Phrases: ["hi"] }, "Name"],
      [intents, { Name: "x", Language: "en", Phrases: ["hi"], Colour: "red" }, "Colour"],
      [`/api/workspaces/${ws}/bot/entities`, { Name: "orderId", Pattern: "ORD-(\\d+" }, "Pattern"],
      [
        `/api/workspaces/${ws}/bot/entities`,
        { Name: "orderRef", Pattern: "(?=ORD)ORD-\\d+" },
        "the pattern of entity orderRef uses lookaround",
      ],
      [`/api/workspaces/${ws}/bot/entities`, { Name: "twice", Pattern: "(\\w)\\1" }, "the pattern of entity twice uses a backreference"],
      [`/api/workspaces/${ws}/bot/entities`, { Name: "orderId" }, "Pattern"],
      [`/api/workspaces/${ws}/bot/settings`, { Threshold: 1.5 }, "Threshold"],
      [`/api/workspaces/${ws}/bot/settings`, { EndpointUrl: "ftp://bot.example" }, "EndpointUrl"],
      [`/api/workspaces/${ws}/bot/settings`, { EndpointUrl: "https://bot.example/nlu" }, "EndpointSecret"],
      [`/api/workspaces/${ws}/bot/settings`, { EndpointTimeout: 50 }, "EndpointTimeout"],
      [`/api/workspaces/${ws}/bot/classify`, { Text: "x".repeat(2_001) }, "Text"],
      [`/api/workspaces/${ws}/bot/classify`, {}, "Text"],
      [`/api/workspaces/${ws}/bot/train`, {}, "intents"],
    ];
    for (const [path, body, field] of cases) {
      const response = await post(path, body);
      expect(response.status, `${path} ${field}`).toBe(400);
      expect(((await response.json()) as { message: string }).message, field).toContain(field);
    }
    expect(await (await call(intents, { headers: AUTH })).json()).toMatchObject({
      intents: [],
      meta: { key: "intents", next_page_url: null },
    });
    expect(await (await call(`/api/workspaces/${ws}/bot/entities`, { headers: AUTH })).json()).toEqual({ entities: [] });
    expect(await (await call(`/api/workspaces/${ws}/bot/settings`, { headers: AUTH })).json()).toMatchObject({
      threshold: 0.5,
      endpoint_url: null,
      model_status: "untrained",
    });
  });

  it("finds dates in words in what it classifies, counted from now (UTC), in English and Spanish", async () => {
    const ws = await workspace();
    await post(`/api/workspaces/${ws}/bot/intents`, { Name: "order.status", Language: "en", Phrases: ORDER });
    await post(`/api/workspaces/${ws}/bot/intents`, { Name: "order.status", Language: "es", Phrases: ORDER_ES });
    expect((await post(`/api/workspaces/${ws}/bot/train`, {})).status).toBe(200);
    // Tomorrow's UTC date, from before and after the call: a call across midnight may give either.
    const tomorrow = (at: number) => new Date(at + 86_400_000).toISOString().slice(0, 10);
    for (const [text, said] of [
      ["can my order come tomorrow?", "tomorrow"],
      ["¿puede llegar mi pedido mañana?", "mañana"],
    ]) {
      const before = Date.now();
      const body = (await (await post(`/api/workspaces/${ws}/bot/classify`, { Text: text })).json()) as {
        entities: { entity: string; text: string; value: string }[];
      };
      const date = body.entities.find((e) => e.entity === "date");
      expect(date?.text, text).toBe(said);
      expect([tomorrow(before), tomorrow(Date.now())], text).toContain(date?.value);
    }
  });

  it("pages the intents by name, then language, following Twilio's meta", async () => {
    const ws = await workspace();
    const intents = `/api/workspaces/${ws}/bot/intents`;
    // Created out of order: the list is by name, then language (en before es).
    for (const [name, language] of [
      ["c.topic", "en"],
      ["a.topic", "es"],
      ["b.topic", "en"],
      ["a.topic", "en"],
      ["d.topic", "en"],
    ]) {
      expect((await post(intents, { Name: name, Language: language, Phrases: [`${name} ${language}`] })).status).toBe(201);
    }
    type Listed = {
      intents: { name: string; language: string }[];
      meta: { next_page_url: string | null; previous_page_url: string | null; page_size: number };
    };
    const seen: string[] = [];
    let next: string | null = `http://x${intents}?PageSize=2`;
    const pages: Listed[] = [];
    while (next !== null) {
      const response = await call(next.replace(/^https?:\/\/[^/]+/, ""), { headers: AUTH });
      expect(response.status).toBe(200);
      const page = (await response.json()) as Listed;
      pages.push(page);
      seen.push(...page.intents.map((i) => `${i.name}/${i.language}`));
      next = page.meta.next_page_url;
    }
    // 5 intents in pages of 2: 2 + 2 + 1, each page after the first pointing back.
    expect(pages.map((p) => p.intents.length)).toEqual([2, 2, 1]);
    expect(seen).toEqual(["a.topic/en", "a.topic/es", "b.topic/en", "c.topic/en", "d.topic/en"]);
    expect(pages[0]!.meta.previous_page_url).toBeNull();
    expect(pages[2]!.meta.previous_page_url).toContain("PageToken=");
    expect(pages[0]!.meta.page_size).toBe(2);
    // The default page is 50: all five on one page, no next.
    const all = (await (await call(intents, { headers: AUTH })).json()) as Listed;
    expect([all.intents.length, all.meta.next_page_url]).toEqual([5, null]);
    // Bad paging is a 400 naming the parameter.
    for (const [query, field] of [
      ["PageSize=0", "PageSize"],
      ["PageSize=1001", "PageSize"],
      ["PageToken=nonsense", "PageToken"],
      ["Page=-1", "Page"],
    ]) {
      const response = await call(`${intents}?${query}`, { headers: AUTH });
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { message: string }).message, query).toContain(field);
    }
  });

  it("answers 404 for a workspace that is not the caller's or not a workspace SID, and 401 without credentials", async () => {
    const ws = await workspace();
    const other = { authorization: "Basic " + btoa(`AC${"7".repeat(32)}:nope`) };
    expect((await call(`/api/workspaces/${ws}/bot/intents`)).status).toBe(401);
    expect((await call(`/api/workspaces/${ws}/bot/intents`, { headers: other })).status).toBe(401);
    expect((await call(`/api/workspaces/WS${"0".repeat(32)}/bot/intents`, { headers: AUTH })).status).toBe(404);
    expect((await call(`/api/workspaces/not-a-sid/bot/settings`, { headers: AUTH })).status).toBe(404);
    expect((await post(`/api/workspaces/WS${"0".repeat(32)}/bot/classify`, { Text: "hi" })).status).toBe(404);
  });
});

/** HMAC-SHA256 of the body, hex: the algorithm the docs give, written out independently of bot-endpoint.ts. */
async function expectedSignature(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return "sha256=" + Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

const SECRET = "bot-endpoint-secret";
const NLU = "https://nlu.team.example/classify";

/** The team's NLU in place of fetch: checks the signature (401 when wrong), then answers with `answer`. */
function nluDouble(answer: (body: { text: string; language: string | null }, signal: AbortSignal | null) => Promise<Response> | Response) {
  const received: { text: string; language: string | null }[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (request.url !== NLU) throw new Error(`unexpected fetch ${request.url}`);
    const raw = await request.text();
    if (request.headers.get("x-switchboard-signature") !== (await expectedSignature(SECRET, raw)))
      return new Response("bad signature", { status: 401 });
    const body = JSON.parse(raw) as { text: string; language: string | null };
    received.push(body);
    return answer(body, init?.signal ?? null);
  });
  return received;
}

describe("the team's external NLU endpoint", () => {
  async function withEndpoint(secret = SECRET) {
    const ws = await workspace();
    const set = await post(`/api/workspaces/${ws}/bot/settings`, {
      EndpointUrl: NLU,
      EndpointSecret: secret,
      EndpointTimeout: 100,
      Threshold: 0.6,
    });
    expect(await set.json()).toMatchObject({ endpoint_url: NLU, endpoint_secret_set: true, endpoint_timeout_ms: 100 });
    return ws;
  }
  const classify = (ws: string, body: unknown) => post(`/api/workspaces/${ws}/bot/classify`, body);

  it("posts the signed text and language, and its answer is the classification (below the threshold: None)", async () => {
    const ws = await withEndpoint();
    const received = nluDouble(({ text }) =>
      Response.json(
        text.includes("order")
          ? {
              intent: "order.status",
              confidence: 0.9,
              entities: [{ entity: "orderId", text: "A-1", value: "A-1" }],
              sentiment: -0.4,
              answer: "On it",
            }
          : { intent: "chitchat", confidence: 0.3 },
      ),
    );
    const sure = await classify(ws, { Text: "my order A-1", Language: "en" });
    expect(sure.status).toBe(200);
    expect(await sure.json()).toEqual({
      intent: "order.status",
      confidence: 0.9,
      entities: [{ entity: "orderId", text: "A-1", value: "A-1" }],
      sentiment: -0.4,
      language: "en",
      answer: "On it",
    });
    expect(await (await classify(ws, { Text: "nice weather" })).json()).toMatchObject({ intent: "None", confidence: 0.3, sentiment: 0 });
    expect(received).toEqual([
      { text: "my order A-1", language: "en" },
      { text: "nice weather", language: null },
    ]);
  });

  it.each([
    ["a wrong signature (another secret)", "other-secret-value", () => Response.json({ intent: "x", confidence: 1 })],
    ["a 500", SECRET, () => new Response("boom", { status: 500 })],
    ["not JSON", SECRET, () => new Response("<html>", { status: 200 })],
    ["a confidence out of range", SECRET, () => Response.json({ intent: "x", confidence: 7 })],
    ["no intent", SECRET, () => Response.json({ confidence: 0.9 })],
  ])("gives a 502, never a 500, for %s", async (_what, secret, answer) => {
    const ws = await withEndpoint(secret);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    nluDouble(answer);
    const response = await classify(ws, { Text: "where is my order" });
    expect(response.status).toBe(502);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(NLU));
  });

  it("gives up after its timeout: the double answers only when the request is aborted", async () => {
    const ws = await withEndpoint();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    nluDouble(
      (_body, signal) =>
        new Promise<Response>((_resolve, reject) => {
          signal?.addEventListener("abort", () => reject(signal.reason as Error));
        }),
    );
    const response = await classify(ws, { Text: "where is my order" });
    expect(response.status).toBe(502);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("no answer in 100 ms"));
  });

  it("is cleared by an empty EndpointUrl, which also forgets the secret", async () => {
    const ws = await withEndpoint();
    const cleared = await post(`/api/workspaces/${ws}/bot/settings`, { EndpointUrl: "" });
    expect(await cleared.json()).toMatchObject({ endpoint_url: null, endpoint_secret_set: false });
  });
});

describe("/openapi.json", () => {
  it("describes the bot's routes", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const bot = "/api/workspaces/{WorkspaceSid}/bot";
    expect(Object.keys(doc.paths[`${bot}/intents`] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths[`${bot}/intents/{IntentSid}`] ?? {}).sort()).toEqual(["delete", "get", "post"]);
    expect(Object.keys(doc.paths[`${bot}/entities`] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths[`${bot}/entities/{Name}`] ?? {})).toEqual(["delete"]);
    expect(Object.keys(doc.paths[`${bot}/settings`] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths[`${bot}/train`] ?? {})).toEqual(["post"]);
    expect(Object.keys(doc.paths[`${bot}/classify`] ?? {})).toEqual(["post"]);
  });
});
