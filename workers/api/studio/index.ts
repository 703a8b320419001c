/**
 * The Studio v2 API (issue 16), one Hono app that app.ts mounts at the root: Flows, Revisions and
 * FlowValidate (flows.ts), Executions, Context and Steps (executions.ts), each at Studio's `/v2/Flows…`
 * (the account's default workspace; `client.studio.baseUrl = "<origin>"`) and at the workspace twin
 * `/api/workspaces/{WorkspaceSid}/studio/v2/Flows…` (context.ts). Basic auth (account or API key) on both.
 */
import { basicAuth } from "../../auth/basic";
import { routeGroup, STUDIO_PATHS } from "./context";
import { routes as executions } from "./executions";
import { routes as flows } from "./flows";

export const studio = routeGroup();
for (const path of STUDIO_PATHS) studio.use(path, basicAuth());
studio.route("/", flows);
studio.route("/", executions);
