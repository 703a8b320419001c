/**
 * The consumer's dependencies taken from the Worker's bindings: the account's AUTH_TOKEN, the
 * Workspace DO and the Router DO of a region, the runtime's fetch and clock, and console.
 * `satisfies` checks that the Durable Objects really offer the RPCs the consumer relies on (messages.ts).
 */
import type { Env } from "../../platform/env";
import { routerFor, workspaceFor } from "../../platform/objects";
import type { CallbackDeps, RouterCallbackRpc, WorkspaceCallbackRpc } from "./consumer";

/**
 * @example
 * await consumeCallbacks(batch, callbackDepsFromEnv(env));
 */
export function callbackDepsFromEnv(env: Env): CallbackDeps {
  return {
    authToken: env.AUTH_TOKEN,
    workspace: (workspaceSid) => workspaceFor(env, workspaceSid) satisfies WorkspaceCallbackRpc,
    router: (workspaceSid, regionId) => routerFor(env, workspaceSid, regionId) satisfies RouterCallbackRpc,
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    log: console,
  };
}
