/**
 * What the call tests against the real LiveKit server share (test/compat/calls.test.ts,
 * test/e2e/calls.test.ts): a workspace with its agent Ann and a supervisor's token, a web chat visitor
 * whose first message opened a conversation that Ann is the agent of and who started a voice call in it
 * (a media token is for a live call), and the Worker's media-token routes
 * called as the desk and the widget call them. Whether calls run at all is the suite's setup's to say
 * (`inject("livekitOff")`).
 */
import { Room } from "@livekit/rtc-node";
import { inject } from "vitest";
import { raw } from "./client";
import { mediaToken, type MediaToken } from "../../contract/media-token";

export const SHOP = "https://shop.example";
export type Json = Record<string, unknown>;
/** What the media-token routes answer (contract/calls.ts). */
export type Minted = MediaToken;

/** A REST call with the account's credentials that must succeed. */
export async function ok(method: string, path: string, body?: Record<string, string>): Promise<Json> {
  const res = await raw(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

/** A POST as a browser makes it: a Bearer token, and the shop's origin for the widget's routes. */
export async function post(path: string, token: string, json?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${inject("baseUrl")}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, origin: SHOP, ...(json ? { "content-type": "application/json" } : {}) },
    ...(json ? { body: JSON.stringify(json) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/**
 * A visitor opens a session in the widget at `widgetBase` (`/api/webchat/WS…/XC…`) and starts a voice call:
 * their session, their token (renewed when the call opened their conversation), the call and their media token.
 */
export async function visitorCalls(widgetBase: string, name: string) {
  const res = await fetch(`${inject("baseUrl")}${widgetBase}/sessions`, {
    method: "POST",
    headers: { origin: SHOP, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const session = (await res.json()) as { token: string; visitor_id: string };
  const started = await post(`${widgetBase}/call`, session.token, { Kind: "voice" });
  if (started.status !== 201) throw new Error(`call: ${started.status} ${JSON.stringify(started.body)}`);
  return {
    session,
    token: (started.body.token as string | undefined) ?? session.token,
    call: started.body.call as { sid: string; room: string; task_sid: string },
    media: started.body.media as { url: string; token: string },
  };
}

/** The 200 of a media-token route, or a throw with its answer. */
export async function minted(path: string, token: string): Promise<Minted> {
  const res = await post(path, token);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return mediaToken.parse(res.body);
}

export interface CallScene {
  readonly workspaceSid: string;
  /** The visitor's conversation, Ann its agent: the call's room. */
  readonly conversation: string;
  /** Another conversation of the workspace, Ann's too, the visitor's not. */
  readonly other: string;
  readonly visitor: { readonly token: string; readonly id: string };
  /** The widget's routes of the shop's channel: `${widgetBase}/media-token`. */
  readonly widgetBase: string;
  readonly tokens: { readonly ann: string; readonly supervisor: string };
  /** Ann's token for the conversation's call (the desk's). */
  agentToken(): Promise<Minted>;
  /** The visitor's (the widget's). */
  customerToken(): Promise<Minted>;
  /** The supervisor's: a hidden monitor. */
  monitorToken(): Promise<Minted>;
}

/** Sets the scene up over the Worker's REST API and the widget's routes. */
export async function callScene(): Promise<CallScene> {
  const workspaceSid = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "calls", Template: "FIFO" })).sid as string;
  const ann = (await ok("POST", `/taskrouter/v1/Workspaces/${workspaceSid}/Workers`, { FriendlyName: "Ann" })).sid as string;
  const tokens = {
    ann: (await ok("POST", "/api/tokens", { WorkspaceSid: workspaceSid, Role: "worker", WorkerSid: ann })).token as string,
    supervisor: (await ok("POST", "/api/tokens", { WorkspaceSid: workspaceSid, Role: "supervisor" })).token as string,
  };
  const channel = (await ok("POST", `/api/workspaces/${workspaceSid}/channels`, { Kind: "webchat", "Settings.allowed_origins": SHOP }))
    .sid as string;
  const widgetBase = `/api/webchat/${workspaceSid}/${channel}`;
  const session = await fetch(`${inject("baseUrl")}${widgetBase}/sessions`, {
    method: "POST",
    headers: { origin: SHOP, "content-type": "application/json" },
    body: JSON.stringify({ name: "Casey" }),
  });
  const started = (await session.json()) as { token: string; visitor_id: string };
  const sent = await post(`${widgetBase}/messages`, started.token, { client_id: "hello", body: "Can we talk?" });
  if (sent.status !== 201) throw new Error(`message: ${sent.status} ${JSON.stringify(sent.body)}`);
  const visitor = { token: (sent.body.token as string | undefined) ?? started.token, id: started.visitor_id };
  const conversation = sent.body.conversation_sid as string;
  const service = `/conversations/v1/Services/IS${workspaceSid.slice(2)}/Conversations`;
  await ok("POST", `${service}/${conversation}/Participants`, { Identity: ann });
  const other = (await ok("POST", service, { FriendlyName: "another call" })).sid as string;
  await ok("POST", `${service}/${other}/Participants`, { Identity: ann });
  // A token is for a live call: the visitor starts one (a task on the voice channel; Ann is a participant).
  const called = await post(`${widgetBase}/call`, visitor.token, { Kind: "voice" });
  if (called.status !== 201) throw new Error(`call: ${called.status} ${JSON.stringify(called.body)}`);
  const staff = `/api/conversations/${conversation}/media-token`;
  return {
    workspaceSid,
    conversation,
    other,
    visitor,
    widgetBase,
    tokens,
    agentToken: () => minted(staff, tokens.ann),
    customerToken: () => minted(`${widgetBase}/media-token`, visitor.token),
    monitorToken: () => minted(staff, tokens.supervisor),
  };
}

/** An /api route read with a bearer token (the desk's, the widget's, a supervisor's). */
export async function getJson(path: string, token: string): Promise<Json> {
  const res = await fetch(`${inject("baseUrl")}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Json;
}

/**
 * Joins rooms as a browser would — signalling and media, rtc-node's native WebRTC over loopback (LiveKit
 * reports a participant joined once its media connected) — and keeps them, so `leaveAll` (an `afterAll`)
 * disconnects every one.
 */
export function roomJoiner() {
  const joined: Room[] = [];
  return {
    async join(media: { url: string; token: string }): Promise<Room> {
      const room = new Room();
      await room.connect(media.url, media.token, { autoSubscribe: true, dynacast: false });
      joined.push(room);
      return room;
    },
    async leaveAll(): Promise<void> {
      for (const room of joined.splice(0)) await room.disconnect().catch(() => undefined);
    },
  };
}
