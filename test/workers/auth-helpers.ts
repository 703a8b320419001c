/**
 * Shared by the sign-in, users and plugins tests: calls to the app as a browser on this site would
 * make them (same Origin, the session cookie), a workspace with a worker, and users made with the
 * account's Basic credentials.
 */
import { env } from "cloudflare:workers";
import { app } from "../../workers/app";

export const ORIGIN = "http://sb.test";
export const BASIC = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);

export interface Reply {
  status: number;
  body: Record<string, unknown> & { message?: string; code?: number };
  headers: Headers;
  /** The sb_session cookie the answer set, if any. */
  cookie: string | null;
}

export interface CallOptions {
  json?: Record<string, unknown>;
  form?: Record<string, string>;
  cookie?: string | null;
  authorization?: string;
  /** The Origin header; this site's unless given (null: none). */
  origin?: string | null;
  ip?: string;
}

export async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  if (origin !== null) headers.origin = origin;
  if (options.cookie) headers.cookie = `sb_session=${options.cookie}`;
  if (options.authorization) headers.authorization = options.authorization;
  if (options.ip) headers["cf-connecting-ip"] = options.ip;
  let body: string | undefined;
  if (options.json) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  }
  const res = await app.request(`${ORIGIN}${path}`, { method, headers, body }, env);
  const text = await res.text();
  const setCookie = res.headers.get("set-cookie");
  const cookie = setCookie ? (/^sb_session=([^;]*)/.exec(setCookie)?.[1] ?? null) : null;
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers, cookie };
}

async function taskrouter(method: string, path: string, form?: Record<string, string>) {
  const reply = await call(method, `/taskrouter/v1${path}`, { authorization: BASIC, origin: null, ...(form ? { form } : {}) });
  if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${reply.body.message}`);
  return reply.body as Record<string, string>;
}

/** A workspace with two workers. */
export async function team(): Promise<{ workspaceSid: string; workers: [string, string] }> {
  const ws = await taskrouter("POST", "/Workspaces", { FriendlyName: `team ${crypto.randomUUID()}` });
  const a = await taskrouter("POST", `/Workspaces/${ws.sid}/Workers`, { FriendlyName: "Ada" });
  const b = await taskrouter("POST", `/Workspaces/${ws.sid}/Workers`, { FriendlyName: "Ben" });
  return { workspaceSid: ws.sid!, workers: [a.sid!, b.sid!] };
}

/** Creates a user with the account's Basic credentials; throws unless it worked. */
export async function makeUser(form: Record<string, string>): Promise<Record<string, unknown> & { sid: string }> {
  const reply = await call("POST", "/api/users", { authorization: BASIC, origin: null, form });
  if (reply.status !== 201) throw new Error(`POST /api/users: ${reply.status} ${reply.body.message}`);
  return reply.body as Record<string, unknown> & { sid: string };
}

let clients = 0;

/** Signs in (from a client of its own, so no test's rate limit touches another's) and returns the session cookie's value. */
export async function signIn(email: string, password: string): Promise<string> {
  const reply = await call("POST", "/api/auth/login", {
    json: { email, password },
    ip: `10.0.${Math.floor(++clients / 250)}.${clients % 250}`,
  });
  if (reply.status !== 200 || !reply.cookie) throw new Error(`sign-in as ${email}: ${reply.status} ${reply.body.message}`);
  return reply.cookie;
}
