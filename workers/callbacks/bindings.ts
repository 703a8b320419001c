/**
 * The consumer's dependencies taken from the Worker's bindings: the account's AUTH_TOKEN, the
 * Workspace DO and the Router DO of a region, the runtime's fetch and clock, and console.
 *
 * The casts name the RPCs the consumer relies on (messages.ts) while the Durable Objects that answer
 * them are being written; once WorkspaceDO has `callbackSettings` and RouterDO has `getTask`,
 * `getWorker` and `applyAssignmentInstruction`, they become `satisfies` checks.
 */
import type { Env } from "../env";
import { routerFor } from "../locations";
import type { CallbackDeps } from "./consumer";
import type { RouterCallbackRpc, WorkspaceCallbackRpc } from "./messages";

/**
 * @example
 * await consumeCallbacks(batch, callbackDepsFromEnv(env));
 */
export function callbackDepsFromEnv(env: Env): CallbackDeps {
  return {
    authToken: env.AUTH_TOKEN,
    workspace: (workspaceSid) => env.WORKSPACE.getByName(workspaceSid) as unknown as WorkspaceCallbackRpc,
    router: (workspaceSid, regionId) => routerFor(env, workspaceSid, regionId) as unknown as RouterCallbackRpc,
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    log: console,
  };
}
