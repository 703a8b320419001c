/**
 * The TaskRouter v1-compatible API, mounted at /taskrouter/v1: authentication first, then one route
 * group per resource (each in its own file). Point the stock `twilio` client here with
 * `client.taskrouter.baseUrl = "<origin>/taskrouter"`.
 */
import { basicAuth } from "../../auth/basic";
import { routeGroup } from "./context";
import { routes as activities } from "./activities";
import { routes as events } from "./events";
import { routes as reservations } from "./reservations";
import { routes as statistics } from "./statistics";
import { routes as taskChannels } from "./task-channels";
import { routes as taskQueues } from "./task-queues";
import { routes as tasks } from "./tasks";
import { routes as workers } from "./workers";
import { routes as workflows } from "./workflows";
import { routes as workspaces } from "./workspaces";

export const taskrouter = routeGroup();
taskrouter.use(basicAuth());
for (const group of [workspaces, activities, taskChannels, taskQueues, workflows, workers, tasks, reservations, events, statistics]) {
  taskrouter.route("/", group);
}
