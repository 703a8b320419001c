/**
 * One TaskRouter REST call as the account (HTTP Basic), through the Worker's app with the test's env:
 * a form body for POST parameters, the status and the JSON body back.
 */
import { env } from "cloudflare:workers";
import { app } from "../../workers/app";

const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);
const V1 = "http://sb.test/taskrouter/v1";

/** @example const { status, body } = await call("POST", "/Workspaces", { FriendlyName: "Support" }) */
export async function call<Body = Record<string, unknown> & { sid: string; message: string }>(
  method: string,
  path: string,
  params?: Record<string, string>,
) {
  const init: RequestInit = { method, headers: { authorization: AUTH } };
  if (params) {
    init.body = new URLSearchParams(params).toString();
    (init.headers as Record<string, string>)["content-type"] = "application/x-www-form-urlencoded";
  }
  const res = await app.request(`${V1}${path}`, init, env);
  return { status: res.status, body: (await res.json()) as Body };
}
