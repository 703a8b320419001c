/**
 * What one change costs the supervisors' feed with many supervisors: their sockets are listed once,
 * the delta is serialized once, and every socket is sent the very same text.
 */
import { expect, it } from "vitest";
import { SupervisorFeed } from "../../../durable-objects/router/realtime/supervisors";
import type { EventRecord } from "../../../contract/taskrouter";
import { ACCOUNT, value } from "../../workers/router-fixtures";
import { configuredRouter, createAnn } from "./router-scene";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

it("one change to 1,000 supervisors: one listing of the sockets, one serialization, the same text to each", () => {
  let events: readonly EventRecord[] = [];
  const { host, router } = configuredRouter(T0, (recorded) => (events = recorded));
  createAnn(router, T0);

  const supervisors = Array.from({ length: 1000 }, (_, i) => i);
  const sent: string[] = [];
  let listed = 0;
  const feed = new SupervisorFeed(host, router, {
    open: () => (listed++, supervisors),
    send: (_socket, text) => sent.push(text),
  });
  value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0 + 5000));
  feed.publish(events, T0 + 5000);

  expect(listed).toBe(1);
  expect(sent).toHaveLength(1000);
  expect(new Set(sent).size).toBe(1);
  expect(JSON.parse(sent[0]!)).toMatchObject({ type: "supervisor.delta", workers: [{ friendly_name: "Ann" }] });
});
