/**
 * What every TaskRouter route handler shares: its Hono environment (bindings + the authenticated
 * account). A workspace's Durable Objects are reached through platform/objects.ts; a workspace lives
 * in its home region, for now the deployment's default region, and every path already takes a region.
 */
import { Hono } from "hono";
import type { AuthVariables } from "../../auth/basic";
import type { Env } from "../../../platform/env";

export type TaskRouterEnv = { Bindings: Env; Variables: AuthVariables };

/** A route group, mounted under /taskrouter/v1 behind authentication. */
export const routeGroup = () => new Hono<TaskRouterEnv>();
