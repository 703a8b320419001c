/**
 * `GET /api/realtime` end to end through the Worker's fetch handler: a workspace built over the REST
 * API, tokens minted by `POST /api/tokens`, the token given as `?token=`, a `token.` subprotocol or a
 * bearer header; a reservation pushed and accepted over the socket, a refused command answered with
 * the REST API's own code and message; bad and missing tokens closed with 4401/4403 after the upgrade.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { AgentSocket } from "./realtime-helpers";

const ORIGIN = "http://sb.test";
const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);

async function rest(method: string, path: string, params: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { authorization: AUTH } };
  if (method === "POST") {
    init.headers = { authorization: AUTH, "content-type": "application/x-www-form-urlencoded" };
    init.body = new URLSearchParams(params).toString();
  }
  const res = await exports.default.fetch(`${ORIGIN}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { sid: string } };
}

let workspace: string;
let available: string;
const api = (path: string) => `/taskrouter/v1/Workspaces/${workspace}${path}`;

beforeAll(async () => {
  workspace = (await rest("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "Live", Template: "FIFO" })).body.sid;
  const activities = (await rest("GET", api("/Activities?FriendlyName=Available"))).body.activities as { sid: string }[];
  available = activities[0]!.sid;
});

async function agent(name: string) {
  const created = await rest("POST", api("/Workers"), { FriendlyName: name, ActivitySid: available });
  expect(created.status).toBe(201);
  const minted = await rest("POST", "/api/tokens", { WorkspaceSid: workspace, Role: "worker", WorkerSid: created.body.sid });
  expect(minted.status).toBe(200);
  return { sid: created.body.sid, token: minted.body.token as string };
}

async function open(query: string, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(`${ORIGIN}/api/realtime${query}`, { headers: { Upgrade: "websocket", ...headers } });
  expect(res.status).toBe(101);
  return { socket: new AgentSocket(res.webSocket!), res };
}

describe("GET /api/realtime", () => {
  it("pushes a reservation to the agent, takes the accept over the socket and answers a refusal as REST does", async () => {
    const ann = await agent("ann");
    const { socket } = await open(`?token=${ann.token}`);
    expect(await socket.nextOf("hello")).toMatchObject({ worker_sid: ann.sid, last_seq: 0 });

    const task = (await rest("POST", api("/Tasks"), { Attributes: '{"type":"support"}' })).body.sid;
    const created = await socket.nextOf("reservation.created");
    const reservation = (created.reservation as { sid: string }).sid;
    socket.send({ type: "accept", id: 1, reservation_sid: reservation });
    expect(await socket.nextOf("ack")).toMatchObject({ id: 1, reservation: { sid: reservation, reservation_status: "accepted" } });
    expect((await rest("GET", api(`/Tasks/${task}`))).body.assignment_status).toBe("assigned");

    socket.send({ type: "reject", id: 2, reservation_sid: reservation });
    const refused = await socket.nextOf("error");
    const viaRest = await rest("POST", api(`/Workers/${ann.sid}/Reservations/${reservation}`), { ReservationStatus: "rejected" });
    expect(viaRest.status).toBe(400);
    expect(refused).toEqual({ type: "error", id: 2, status: 400, code: viaRest.body.code, message: viaRest.body.message });
  });

  it("takes the token from a token. subprotocol (answering with switchboard) or a bearer header", async () => {
    const bo = await agent("bo");
    const viaProtocol = await open("", { "Sec-WebSocket-Protocol": `switchboard, token.${bo.token}` });
    expect(viaProtocol.res.headers.get("sec-websocket-protocol")).toBe("switchboard");
    expect(await viaProtocol.socket.nextOf("hello")).toMatchObject({ worker_sid: bo.sid });
    const viaBearer = await open("?since=0", { Authorization: `Bearer ${bo.token}` });
    expect(await viaBearer.socket.nextOf("hello")).toMatchObject({ worker_sid: bo.sid, replay: { since: 0, complete: true } });
  });

  it.each([
    ["no token", "", 4401, "A token is required: ?token=, a token.<token> subprotocol or Authorization: Bearer"],
    ["a malformed token", "?token=not-a-jwt", 4401, undefined],
  ])("upgrades, then closes a connection with %s", async (_, query, code, reason) => {
    const { socket } = await open(query);
    const closed = await socket.closed();
    expect(closed.code).toBe(code);
    if (reason) expect(closed.reason).toBe(reason);
    else expect(closed.reason).not.toBe("");
    expect(socket.frames).toEqual([]);
  });

  it.each(["supervisor", "admin"])("gives a %s token without a worker the supervisors' feed, snapshot first", async (role) => {
    const minted = await rest("POST", "/api/tokens", { WorkspaceSid: workspace, Role: role });
    const { socket } = await open(`?token=${minted.body.token as string}`);
    expect(await socket.next()).toMatchObject({ type: "supervisor.snapshot" });
    socket.ws.close(1000, "done");
  });

  it("answers a request that is not a WebSocket upgrade with 426", async () => {
    const res = await exports.default.fetch(`${ORIGIN}/api/realtime`);
    expect(res.status).toBe(426);
    expect(await res.json()).toMatchObject({ code: 20426, status: 426 });
  });
});
