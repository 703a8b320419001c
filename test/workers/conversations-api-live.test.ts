/**
 * The Switchboard-native conversation routes through the Worker's fetch handler, with the security
 * cases first: the agent's conversation socket refuses a missing, forged or foreign-workspace token
 * (close codes after the upgrade), attachments refuse oversize and unsafe uploads and are served only
 * within their workspace, and a transfer checks who asks. Workspaces, workers and tokens are made over
 * the REST API, as a team's backend would.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CONVERSATION_SUBPROTOCOL } from "../../contract/conversations";
import { AgentSocket } from "./realtime-helpers";
import { AUTH, rest as call } from "./conversation-helpers";

const ORIGIN = "http://sb.test";

/** The shared REST call, at this file's origin. */
const rest = (method: string, path: string, params?: Record<string, string>, authorization = AUTH) =>
  call(method, path, params, { origin: ORIGIN, authorization });

interface Team {
  workspace: string;
  agent: string;
  token: string;
}

/** A workspace with one worker and that worker's realtime token. */
async function team(name: string): Promise<Team> {
  const workspace = (await rest("POST", "/taskrouter/v1/Workspaces", { FriendlyName: name, Template: "FIFO" })).body.sid;
  const agent = (await rest("POST", `/taskrouter/v1/Workspaces/${workspace}/Workers`, { FriendlyName: `${name}-agent` })).body.sid;
  const token = (await rest("POST", "/api/tokens", { WorkspaceSid: workspace, Role: "worker", WorkerSid: agent })).body.token as string;
  return { workspace, agent, token };
}

let home: Team;
let away: Team;
let conversation: string;

beforeAll(async () => {
  home = await team("home");
  away = await team("away");
  const created = await rest("POST", `/conversations/v1/Services/IS${home.workspace.slice(2)}/Conversations`, { FriendlyName: "live" });
  expect(created.status).toBe(201);
  conversation = created.body.sid;
}, 30_000);

async function openSocket(sid: string, protocols: string[]) {
  const res = await exports.default.fetch(`${ORIGIN}/api/conversations/${sid}/socket`, {
    headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": protocols.join(", ") },
  });
  expect(res.status).toBe(101);
  return { socket: new AgentSocket(res.webSocket!), protocol: res.headers.get("sec-websocket-protocol") };
}

describe("GET /api/conversations/:sid/socket", () => {
  it.each([
    ["no token", [CONVERSATION_SUBPROTOCOL], 4401],
    ["a forged token", [CONVERSATION_SUBPROTOCOL, "token.eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"], 4401],
  ])("closes with the right code for %s", async (_, protocols, code) => {
    const { socket, protocol } = await openSocket(conversation, protocols);
    expect(protocol).toBe(CONVERSATION_SUBPROTOCOL);
    expect((await socket.closed()).code).toBe(code);
  });

  it("refuses an agent of another workspace as if the conversation did not exist (4404)", async () => {
    const { socket } = await openSocket(conversation, [CONVERSATION_SUBPROTOCOL, `token.${away.token}`]);
    expect((await socket.closed()).code).toBe(4404);
  });

  it("refuses an agent of the workspace who is not in the conversation (4403)", async () => {
    const { socket } = await openSocket(conversation, [CONVERSATION_SUBPROTOCOL, `token.${home.token}`]);
    expect((await socket.closed()).code).toBe(4403);
  });

  it("lets in the conversation's agent, and a supervisor of the workspace: both get the snapshot", async () => {
    const joined = await rest("POST", `/conversations/v1/Conversations/${conversation}/Participants`, { Identity: home.agent });
    expect(joined.status).toBe(201);
    const supervisor = (await rest("POST", "/api/tokens", { WorkspaceSid: home.workspace, Role: "supervisor" })).body.token as string;
    for (const token of [home.token, supervisor]) {
      const { socket } = await openSocket(conversation, [CONVERSATION_SUBPROTOCOL, `token.${token}`]);
      expect(await socket.nextOf("conversation.snapshot")).toMatchObject({ conversation: { sid: conversation } });
      socket.ws.close(1000, "done");
    }
  });

  it("answers a plain GET with 426", async () => {
    expect((await rest("GET", `/api/conversations/${conversation}/socket`)).status).toBe(426);
  });
});

const upload = (sid: string, body: BodyInit, type: string, authorization: string, query = "") =>
  exports.default.fetch(`${ORIGIN}/api/conversations/${sid}/media${query}`, {
    method: "POST",
    headers: { authorization, "content-type": type },
    body,
  });

describe("attachments", () => {
  it("an agent uploads a file and anyone of the workspace downloads it; another workspace cannot", async () => {
    const bytes = new TextEncoder().encode("receipt #42");
    const res = await upload(conversation, bytes, "text/plain", `Bearer ${home.token}`, "?filename=receipt.txt");
    expect(res.status).toBe(201);
    const ref = (await res.json()) as { sid: string; size: number; content_type: string; filename: string };
    expect(ref).toMatchObject({ size: bytes.byteLength, content_type: "text/plain", filename: "receipt.txt" });
    expect(ref.sid).toMatch(/^ME[0-9a-f]{32}$/);

    for (const authorization of [AUTH, `Bearer ${home.token}`]) {
      const got = await exports.default.fetch(`${ORIGIN}/api/media/${home.workspace}/${ref.sid}`, { headers: { authorization } });
      expect(got.status).toBe(200);
      expect(got.headers.get("content-type")).toBe("text/plain");
      expect(got.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''receipt.txt");
      expect(got.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await got.text()).toBe("receipt #42");
    }
    const foreign = await exports.default.fetch(`${ORIGIN}/api/media/${home.workspace}/${ref.sid}`, {
      headers: { authorization: `Bearer ${away.token}` },
    });
    expect(foreign.status).toBe(404);
    const elsewhere = await exports.default.fetch(`${ORIGIN}/api/media/${away.workspace}/${ref.sid}`, { headers: { authorization: AUTH } });
    expect(elsewhere.status).toBe(404);
  });

  /** 10 MB + 1 byte streamed in 1 MB chunks: no Content-Length, so the limit is enforced while reading. */
  const streamed = () => {
    let left = 10 * 1024 * 1024 + 1;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        const size = Math.min(left, 1024 * 1024);
        left -= size;
        if (size === 0) controller.close();
        else controller.enqueue(new Uint8Array(size));
      },
    });
  };

  it.each([
    ["with its Content-Length", () => new Uint8Array(10 * 1024 * 1024 + 1)],
    ["streamed without a length", streamed],
  ])("refuses more than 10 MB sent %s with 413 and stores nothing", async (_, body) => {
    const before = (await env.RECORDINGS.list({ prefix: `media/${home.workspace}/` })).objects.length;
    const res = await upload(conversation, body(), "image/png", AUTH);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { status: number }).status).toBe(413);
    expect((await env.RECORDINGS.list({ prefix: `media/${home.workspace}/` })).objects.length).toBe(before);
  });

  it.each([
    ["HTML, which a browser would run", "text/html", 415],
    ["SVG, which may carry script", "image/svg+xml", 415],
    ["no type at all", "", 415],
  ])("refuses %s", async (_, type, status) => {
    expect((await upload(conversation, "<script>alert(1)</script>", type, AUTH)).status).toBe(status);
  });

  it.each([
    ["an agent of another workspace", () => `Bearer ${away.token}`, 404],
    ["no credentials", () => "", 401],
    ["a forged token", () => "Bearer abc.def.ghi", 401],
  ])("refuses an upload from %s", async (_, authorization, status) => {
    expect((await upload(conversation, "hello", "text/plain", authorization())).status).toBe(status);
  });

  it("refuses a file name with a path in it, and an empty body", async () => {
    expect((await upload(conversation, "x", "text/plain", AUTH, "?filename=..%2Fetc%2Fpasswd")).status).toBe(400);
    expect((await upload(conversation, new Uint8Array(), "text/plain", AUTH)).status).toBe(400);
  });

  it("a message can carry an uploaded file by MediaSid", async () => {
    const ref = (await (await upload(conversation, new Uint8Array([137, 80, 78, 71]), "image/png", AUTH)).json()) as { sid: string };
    const sent = await rest("POST", `/conversations/v1/Conversations/${conversation}/Messages`, { Author: "ann", MediaSid: ref.sid });
    expect(sent.status).toBe(201);
    expect(sent.body.media).toEqual([expect.objectContaining({ sid: ref.sid, content_type: "image/png", size: 4 })]);
  });
});

describe("POST /api/conversations/:sid/transfer", () => {
  it.each([
    [
      "an agent of another workspace",
      () => ({ authorization: `Bearer ${away.token}`, params: { TargetType: "queue", TargetSid: "WQ" + "1".repeat(32) } }),
      404,
    ],
    [
      "a queue target that is not a queue SID",
      () => ({ authorization: `Bearer ${home.token}`, params: { TargetType: "queue", TargetSid: "WK" + "1".repeat(32) } }),
      400,
    ],
    [
      "Basic credentials without WorkerSid",
      () => ({ authorization: AUTH, params: { TargetType: "queue", TargetSid: "WQ" + "1".repeat(32) } }),
      400,
    ],
    [
      "an agent naming another worker",
      () => ({
        authorization: `Bearer ${home.token}`,
        params: { TargetType: "queue", TargetSid: "WQ" + "1".repeat(32), WorkerSid: away.agent },
      }),
      403,
    ],
    ["no credentials", () => ({ authorization: "", params: { TargetType: "queue", TargetSid: "WQ" + "1".repeat(32) } }), 401],
  ])("refuses %s", async (_, request, status) => {
    const { authorization, params } = request();
    expect((await rest("POST", `/api/conversations/${conversation}/transfer`, params, authorization)).status).toBe(status);
  });
});
