/**
 * What every TaskRouter route handler shares: its Hono environment (bindings + the authenticated
 * account) and how it reaches a workspace's Durable Objects. A workspace lives in its home region;
 * for now that is the deployment's default region, and every path already takes a region.
 */
import { Hono } from "hono";
import type { AuthVariables } from "../../auth/basic";
import type { Env } from "../../env";
import { routerFor } from "../../locations";

export type TaskRouterEnv = { Bindings: Env; Variables: AuthVariables };

/** A route group, mounted under /taskrouter/v1 behind authentication. */
export const routeGroup = () => new Hono<TaskRouterEnv>();

/** The Workspace DO: configuration of record. */
export const workspaceStub = (env: Env, workspaceSid: string) => env.WORKSPACE.getByName(workspaceSid);

/** The Router DO of a workspace in a region (the home region unless one is given); see workers/locations.ts. */
export const routerStub = (env: Env, workspaceSid: string, regionId?: string) => routerFor(env, workspaceSid, regionId);
