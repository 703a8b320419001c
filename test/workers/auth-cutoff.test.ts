/**
 * Removing a person cuts them off, through the Worker with the real AccountDO, Router DO and
 * ConversationDO: once an admin deletes, disables, demotes or unlinks a user, or the user signs out
 * everywhere, the sockets they hold (agent channel, supervisors' feed, conversation socket) close within
 * the test's bounded wait with 4401 or 4403 and the reason, their token no longer refreshes, and a
 * reconnect with it is refused. A backend's token for the same worker (no user in it) keeps working.
 */
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { queueNotice } from "../../durable-objects/account/user-sockets";
import { CONVERSATION_SUBPROTOCOL } from "../../contract/conversations";
import { BASIC, call, makeUser, ORIGIN, signIn } from "./auth-helpers";
import { AgentSocket } from "./realtime-helpers";
import { accountFor } from "../../platform/objects";

const PASSWORD = "agent-password-1";
/** The longest a close may take to arrive (it takes ~50 ms): the AccountDO tells the Router DO in the background. */
const CLOSE_WITHIN_MS = 5000;
/** Each test takes under half a second here; a loaded machine gets ample room. */
const TIMEOUT_MS = 20_000;

let workspaceSid: string;
let available: string;

async function rest(method: string, path: string, form?: Record<string, string>) {
  const reply = await call(method, path, { authorization: BASIC, origin: null, ...(form ? { form } : {}) });
  if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${reply.body.message}`);
  return reply.body as Record<string, unknown> & { sid: string };
}

beforeAll(async () => {
  workspaceSid = (await rest("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "cut-off", Template: "FIFO" })).sid;
  const activities = (await rest("GET", `/taskrouter/v1/Workspaces/${workspaceSid}/Activities?FriendlyName=Available`)).activities as {
    sid: string;
  }[];
  available = activities[0]!.sid;
}, 30_000);

const worker = async (name: string) =>
  (await rest("POST", `/taskrouter/v1/Workspaces/${workspaceSid}/Workers`, { FriendlyName: name, ActivitySid: available })).sid;

/** An agent user linked to a new worker, signed in, with their desktop token. */
async function agent(name: string) {
  const workerSid = await worker(name);
  const user = await makeUser({
    Email: `${name}@cutoff.test`,
    Role: "agent",
    WorkspaceSid: workspaceSid,
    WorkerSid: workerSid,
    Password: PASSWORD,
  });
  const cookie = await signIn(`${name}@cutoff.test`, PASSWORD);
  const token = (await call("POST", "/api/auth/token", { cookie })).body.token as string;
  return { userSid: user.sid, workerSid, cookie, token };
}

/** A supervisor user, signed in, with their desktop token for the supervisors' feed. */
async function supervisor(name: string) {
  const user = await makeUser({ Email: `${name}@cutoff.test`, Role: "supervisor", WorkspaceSid: workspaceSid, Password: PASSWORD });
  const cookie = await signIn(`${name}@cutoff.test`, PASSWORD);
  const token = (await call("POST", "/api/auth/token", { cookie })).body.token as string;
  return { userSid: user.sid, cookie, token };
}

async function live(token: string): Promise<AgentSocket> {
  const res = await exports.default.fetch(`${ORIGIN}/api/realtime?token=${token}`, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  return new AgentSocket(res.webSocket!);
}

async function conversationSocket(conversationSid: string, token: string): Promise<AgentSocket> {
  const res = await exports.default.fetch(`${ORIGIN}/api/conversations/${conversationSid}/socket`, {
    headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `${CONVERSATION_SUBPROTOCOL}, token.${token}` },
  });
  expect(res.status).toBe(101);
  return new AgentSocket(res.webSocket!);
}

const refresh = (token: string) => call("POST", "/api/tokens/refresh", { authorization: `Bearer ${token}`, origin: null });
const changeUser = (userSid: string, form: Record<string, string>) => rest("POST", `/api/users/${userSid}`, form);

describe("an agent who is removed", () => {
  it.each([
    ["deleted", (userSid: string) => rest("DELETE", `/api/users/${userSid}`), "This user was removed: sign in again"],
    ["disabled", (userSid: string) => changeUser(userSid, { Disabled: "true" }), "This user was disabled: ask an admin"],
  ])(
    "when %s: their channel closes with 4401, the token stops refreshing, and a reconnect is refused",
    async (what, remove, reason) => {
      const ann = await agent(`ann-${what}`);
      const bystander = await agent(`bo-${what}`);
      const socket = await live(ann.token);
      await socket.nextOf("hello");
      const other = await live(bystander.token);
      await other.nextOf("hello");
      expect((await refresh(ann.token)).status).toBe(200);

      await remove(ann.userSid);
      expect(await socket.closed(CLOSE_WITHIN_MS)).toEqual({ code: 4401, reason });
      const refused = await refresh(ann.token);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toBe(reason);
      const again = await live(ann.token);
      expect(await again.closed()).toEqual({ code: 4401, reason });

      // Someone else's connection is left alone.
      other.send("ping");
      await other.waitFor(() => other.pongs === 1, "the bystander's pong");
      expect(other.close).toBeNull();
    },
    TIMEOUT_MS,
  );

  it(
    "when unlinked from their worker: the channel closes with 4403, and the old token cannot reconnect",
    async () => {
      const cy = await agent("cy");
      const socket = await live(cy.token);
      await socket.nextOf("hello");
      await changeUser(cy.userSid, { WorkerSid: await worker("cy-new") });
      const reason = `This user is no longer linked to worker ${cy.workerSid}`;
      expect(await socket.closed(CLOSE_WITHIN_MS)).toEqual({ code: 4403, reason });
      expect((await refresh(cy.token)).status).toBe(403);
      expect(await (await live(cy.token)).closed()).toEqual({ code: 4403, reason });
    },
    TIMEOUT_MS,
  );

  it(
    "when they sign out everywhere: their channel closes with 4401",
    async () => {
      const di = await agent("di");
      const socket = await live(di.token);
      await socket.nextOf("hello");
      expect((await call("POST", "/api/auth/logout-all", { cookie: di.cookie })).status).toBe(204);
      expect(await socket.closed(CLOSE_WITHIN_MS)).toEqual({
        code: 4401,
        reason: "The sign-in this token came from has ended: sign in again",
      });
    },
    TIMEOUT_MS,
  );

  it(
    "keeps a backend's token for the same worker working: it names no user",
    async () => {
      const ed = await agent("ed");
      const backend = (await rest("POST", "/api/tokens", { WorkspaceSid: workspaceSid, Role: "worker", WorkerSid: ed.workerSid }))
        .token as string;
      await rest("DELETE", `/api/users/${ed.userSid}`);
      expect((await refresh(backend)).status).toBe(200);
      const socket = await live(backend);
      expect(await socket.nextOf("hello")).toMatchObject({ worker_sid: ed.workerSid });
    },
    TIMEOUT_MS,
  );
});

describe("the AccountDO's alarm", () => {
  it(
    "closes the sockets of a change whose notice was committed but not yet delivered (the object evicted first)",
    async () => {
      const ivy = await agent("ivy");
      const socket = await live(ivy.token);
      await socket.nextOf("hello");
      const account = accountFor(env, env.ACCOUNT_SID!);
      // The change and its notice, committed together, as if the object were evicted before telling anyone.
      await runInDurableObject(account, async (_object, state) => {
        state.storage.transactionSync(() => {
          state.storage.sql.exec("UPDATE users SET disabled = 1 WHERE sid = ?", ivy.userSid);
          queueNotice(state.storage, ivy.userSid, Date.now());
        });
        await state.storage.setAlarm(Date.now() + 60_000);
      });
      expect(socket.close).toBeNull();
      expect(await runDurableObjectAlarm(account)).toBe(true);
      expect(await socket.closed(CLOSE_WITHIN_MS)).toEqual({ code: 4401, reason: "This user was disabled: ask an admin" });
    },
    TIMEOUT_MS,
  );
});

describe("a supervisor who is demoted", () => {
  it(
    "loses the supervisors' feed (4403), its refresh and its reconnect",
    async () => {
      const fay = await supervisor("fay");
      const feed = await live(fay.token);
      await feed.nextOf("supervisor.snapshot");
      await changeUser(fay.userSid, { Role: "agent", WorkerSid: await worker("fay") });
      const reason = "This user is no longer a supervisor";
      expect(await feed.closed(CLOSE_WITHIN_MS)).toEqual({ code: 4403, reason });
      const refused = await refresh(fay.token);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe(reason);
      expect(await (await live(fay.token)).closed()).toEqual({ code: 4403, reason });
    },
    TIMEOUT_MS,
  );

  it(
    "keeps the feed when only their name changes",
    async () => {
      const gus = await supervisor("gus");
      const feed = await live(gus.token);
      await feed.nextOf("supervisor.snapshot");
      await changeUser(gus.userSid, { FriendlyName: "Gus the Great" });
      expect((await refresh(gus.token)).status).toBe(200);
      feed.send("ping");
      await feed.waitFor(() => feed.pongs === 1, "the feed's pong");
      expect(feed.close).toBeNull();
    },
    TIMEOUT_MS,
  );
});

describe("an agent's conversation socket", () => {
  it(
    "closes when the agent is deleted, and cannot be opened again with their token",
    async () => {
      const hal = await agent("hal");
      const conversationSid = (
        await rest("POST", `/conversations/v1/Services/IS${workspaceSid.slice(2)}/Conversations`, { FriendlyName: "with hal" })
      ).sid;
      await rest("POST", `/conversations/v1/Conversations/${conversationSid}/Participants`, { Identity: hal.workerSid });
      const socket = await conversationSocket(conversationSid, hal.token);
      await socket.nextOf("conversation.snapshot");

      await rest("DELETE", `/api/users/${hal.userSid}`);
      const reason = "This user was removed: sign in again";
      expect(await socket.closed(CLOSE_WITHIN_MS)).toEqual({ code: 4401, reason });
      expect(await (await conversationSocket(conversationSid, hal.token)).closed()).toEqual({ code: 4401, reason });
      // Nor can the token reach the conversation's REST routes (attachments, transfer).
      const upload = await exports.default.fetch(`${ORIGIN}/api/conversations/${conversationSid}/media?filename=a.txt`, {
        method: "POST",
        headers: { authorization: `Bearer ${hal.token}`, "content-type": "text/plain" },
        body: "hello",
      });
      expect(upload.status).toBe(401);
    },
    TIMEOUT_MS,
  );
});
