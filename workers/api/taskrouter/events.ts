/**
 * TaskRouter v1 routes for this resource group. Stub: the routes are being written.
 */
import { routeGroup } from "./context";

export const routes = routeGroup();
