/**
 * Shared by the regions tests: TaskRouter calls as the stock clients make them (Basic credentials,
 * form bodies, query strings), and where a Router keeps a worker or task (asked of each Router directly).
 */
import { env, exports } from "cloudflare:workers";
import { routerFor } from "../../platform/objects";
import { BASIC, call, type Reply } from "./auth-helpers";

export { value } from "./router-fixtures";

/** A TaskRouter request: a form body for POST, a query string otherwise (repeated names as arrays). */
export function taskrouter(method: string, path: string, params: Record<string, string | string[]> = {}): Promise<Reply> {
  const query = new URLSearchParams();
  for (const [name, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) query.append(name, one);
  if (method === "POST")
    return call(method, `/taskrouter/v1${path}`, { authorization: BASIC, origin: null, form: Object.fromEntries(query) });
  const suffix = [...query].length > 0 ? `?${query.toString()}` : "";
  return call(method, `/taskrouter/v1${path}${suffix}`, { authorization: BASIC, origin: null });
}

/** The same, expecting 2xx: the body. */
export async function ok(method: string, path: string, params: Record<string, string | string[]> = {}) {
  const reply = await taskrouter(method, path, params);
  if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${reply.body.message}`);
  return reply.body as Record<string, unknown> & { sid: string };
}

/** Which of `regionIds` has a Router that holds worker `sid` of `workspaceSid`. */
export async function regionsHoldingWorker(workspaceSid: string, sid: string, regionIds: readonly string[]): Promise<string[]> {
  const held = await Promise.all(regionIds.map(async (r) => (await routerFor(env, workspaceSid, r).getWorker(env.ACCOUNT_SID!, sid)).ok));
  return regionIds.filter((_, i) => held[i]);
}

/** Which of `regionIds` has a Router that holds task `sid` of `workspaceSid`. */
export async function regionsHoldingTask(workspaceSid: string, sid: string, regionIds: readonly string[]): Promise<string[]> {
  const held = await Promise.all(regionIds.map(async (r) => (await routerFor(env, workspaceSid, r).getTask(env.ACCOUNT_SID!, sid)).ok));
  return regionIds.filter((_, i) => held[i]);
}

/** An agent token for worker `workerSid` of `workspaceSid`, minted through /api/tokens as a desktop's backend does. */
export async function agentToken(workspaceSid: string, workerSid: string): Promise<string> {
  const minted = await exports.default.fetch("http://sb.test/api/tokens", {
    method: "POST",
    headers: { authorization: BASIC, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ WorkspaceSid: workspaceSid, Role: "worker", WorkerSid: workerSid }).toString(),
  });
  if (minted.status !== 200) throw new Error(`POST /api/tokens: ${minted.status} ${await minted.text()}`);
  return ((await minted.json()) as { token: string }).token;
}
