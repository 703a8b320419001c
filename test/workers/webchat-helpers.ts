/**
 * What the web chat route tests share: a workspace and its channels made over the REST API (Basic
 * auth), calls to the widget's public routes as a page on `origin` makes them, and a conversation's task
 * events as the queue consumer hands them over.
 */
import { env, exports } from "cloudflare:workers";
import type { ConversationTaskEvent } from "../../durable-objects/common/conversations";
import { newSid } from "../../contract/ids";
import { conversationFor } from "../../platform/objects";

export const ORIGIN = "https://sb.example";
export const SHOP = "https://shop.example";
const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };

export const fetchApp = (path: string, init: RequestInit = {}) => exports.default.fetch(new Request(`${ORIGIN}${path}`, init));

export async function newWorkspace(name: string): Promise<string> {
  const res = await fetchApp("/taskrouter/v1/Workspaces", {
    method: "POST",
    headers: FORM,
    body: new URLSearchParams({ FriendlyName: name, Template: "FIFO" }),
  });
  if (res.status !== 201) throw new Error(`workspace: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { sid: string }).sid;
}

export async function newChannel(workspaceSid: string, form: Record<string, string>): Promise<string> {
  const res = await fetchApp(`/api/workspaces/${workspaceSid}/channels`, {
    method: "POST",
    headers: FORM,
    body: new URLSearchParams(form),
  });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { sid: string }).sid;
}

let clients = 0;
/** A client address of its own (10.x.y.z), as a visitor behind another connection would have. */
const clientAddress = () => {
  const n = ++clients + Math.floor(Math.random() * 1_000_000);
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

/** The widget's routes of one channel, called from a page on `origin` (null: no Origin header, as a server would). */
export function widget(workspaceSid: string, channelSid: string, origin: string | null = SHOP) {
  const base = `/api/webchat/${workspaceSid}/${channelSid}`;
  // Each widget is its own client address: new sessions are rate-limited per address in the isolate's
  // memory, which the project's files share (one runtime for all), so one address would run out mid-suite.
  const client = clientAddress();
  const headers = (extra: Record<string, string> = {}) => ({ ...(origin ? { origin } : {}), "cf-connecting-ip": client, ...extra });
  const json = async (res: Response) => ({ status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> });
  return {
    base,
    get: async (path: string, token?: string) =>
      json(await fetchApp(`${base}${path}`, { headers: headers(token ? { authorization: `Bearer ${token}` } : {}) })),
    post: async (path: string, body: unknown, token?: string) =>
      json(
        await fetchApp(`${base}${path}`, {
          method: "POST",
          headers: headers({ "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }),
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
      ),
    upload: async (bytes: Uint8Array, contentType: string, token: string, filename = "file") =>
      json(
        await fetchApp(`${base}/media?filename=${encodeURIComponent(filename)}`, {
          method: "POST",
          headers: headers({ "content-type": contentType, authorization: `Bearer ${token}` }),
          body: bytes,
        }),
      ),
    raw: (path: string, init: RequestInit = {}) =>
      fetchApp(`${base}${path}`, { ...init, headers: { ...headers(), ...(init.headers as Record<string, string>) } }),
    /** A new visitor's session. */
    session: async (fields: Record<string, string> = {}) => {
      const res = await json(
        await fetchApp(`${base}/sessions`, {
          method: "POST",
          headers: headers({ "content-type": "application/json" }),
          body: JSON.stringify(fields),
        }),
      );
      if (res.status !== 200) throw new Error(`session: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { token: string; visitor_id: string; conversation_sid: string | null; expires_at: string };
    },
  };
}

/** Opens the widget's socket; answers the close (code, reason) when it is refused, or the socket. */
export async function openSocket(path: string, protocols: string[], origin: string | null = SHOP) {
  const res = await fetchApp(path, {
    headers: { upgrade: "websocket", "sec-websocket-protocol": protocols.join(", "), ...(origin ? { origin } : {}) },
  });
  const socket = res.webSocket;
  if (!socket) throw new Error(`no upgrade: ${res.status} ${await res.text()}`);
  const frames: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  socket.addEventListener("message", (e) => {
    frames.push(JSON.parse(String(e.data)) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  socket.accept();
  const next = async (type: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const found = frames.find((f) => f.type === type);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { socket, frames, next, closed, protocol: res.headers.get("sec-websocket-protocol") };
}

/** An RPC's value, or a throw with its message. */
export async function must<T>(result: Promise<{ ok: true; value: T } | { ok: false; message: string }>): Promise<T> {
  const settled = await result;
  if (!settled.ok) throw new Error(settled.message);
  return settled.value;
}

/** An event of the conversation's current task, for `worker`, as the queue consumer hands it over. */
export async function conversationTaskEvent(
  workspaceSid: string,
  conversationSid: string,
  eventType: string,
  worker: { readonly sid: string; readonly name: string },
): Promise<void> {
  const stub = conversationFor(env, conversationSid);
  const conversation = await must(stub.getConversation(env.ACCOUNT_SID!));
  const event: ConversationTaskEvent = {
    eventSid: newSid("EV"),
    eventType,
    workspaceSid,
    taskSid: conversation.task_sid!,
    conversationSid,
    workerSid: worker.sid,
    workerName: worker.name,
    reservationSid: "WR" + "b".repeat(32),
    at: Date.now(),
  };
  await must(stub.onTaskEvent(env.ACCOUNT_SID!, event));
}
