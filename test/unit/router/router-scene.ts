/**
 * The Router the unit tests drive: on a fresh node:sqlite host with the Router DO's migrations, loaded and
 * configured with the fixture workspace (test/workers/router-fixtures.ts), and Ann, the worker they route to.
 */
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { Router } from "../../../durable-objects/router/lifecycle/router";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import type { WorkspaceConfigSnapshot } from "../../../durable-objects/common/rpc";
import type { EventRecord } from "../../../contract/taskrouter";
import { ACCOUNT, AVAILABLE, snapshot, value } from "../../workers/router-fixtures";
import { sqliteHost } from "../kit/sqlite-host";

/**
 * A Router loaded at `now` with `config` applied; `onEvents` hears each committed operation's events.
 * @example const { host, router } = configuredRouter(T0, (recorded) => (events = recorded));
 */
export function configuredRouter(
  now: number,
  onEvents: (events: readonly EventRecord[]) => void = () => undefined,
  config: WorkspaceConfigSnapshot = snapshot(),
) {
  const host = sqliteHost();
  applyMigrations(host, ROUTER_MIGRATIONS);
  const router = new Router(host, { onEvents });
  router.load(now);
  value(router.applyConfig(config, [], {}, now));
  return { host, router };
}

/** Ann, available, with the support skill. @example const ann = createAnn(router, T0).worker.sid; */
export const createAnn = (router: Router, now: number) =>
  value(router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: '{"skills":["support"]}' }, now));
