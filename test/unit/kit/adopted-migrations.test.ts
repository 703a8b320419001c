// Objects that adopted the shared timers and outbox keep what an older version of them stored: the
// migration that moves their rows is run on a database left at the version before it (as `npm start`'s
// local state would be).
import { describe, expect, it } from "vitest";
import { CONVERSATION_MIGRATIONS } from "../../../durable-objects/conversation/store/schema";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { OUTBOX_TIMER, unsent } from "../../../durable-objects/kit/outbox";
import { rows, run } from "../../../durable-objects/kit/sql-host";
import { dueTimers } from "../../../durable-objects/kit/timers";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import { sqliteHost } from "./sqlite-host";

describe("adopting kit/timers.ts and kit/outbox.ts", () => {
  it('the ConversationDO\'s timers get the SID "", its webhook outbox becomes the topic hooks', () => {
    const host = sqliteHost();
    applyMigrations(host, CONVERSATION_MIGRATIONS.slice(0, 4));
    run(host, "INSERT INTO sb_timers (kind, due_at) VALUES ('delivery', 10), ('hooks', 20)");
    run(host, "INSERT INTO sb_hook_outbox (body) VALUES ('{\"a\":1}'), ('{\"b\":2}')");
    applyMigrations(host, CONVERSATION_MIGRATIONS);
    expect(dueTimers(host, 100)).toEqual([
      { kind: "delivery", sid: "", due_at: 10 },
      { kind: OUTBOX_TIMER, sid: "hooks", due_at: 20 },
    ]);
    expect(unsent(host, "hooks", 10).map((row) => row.body)).toEqual(['{"a":1}', '{"b":2}']);
    expect(rows(host, "SELECT name FROM sqlite_master WHERE name IN ('sb_hook_outbox', 'sb_timers_by_kind')")).toEqual([]);
  });

  it("the Router's outbox messages become the topic events, and its outbox timer is named for it", () => {
    const host = sqliteHost();
    applyMigrations(host, ROUTER_MIGRATIONS.slice(0, 4));
    run(host, 'INSERT INTO sb_outbox (body) VALUES (\'{"kind":"event"}\')');
    run(host, "INSERT INTO sb_timers (kind, sid, due_at) VALUES ('outbox', 'outbox', 30), ('ttl', 'WT1', 40)");
    applyMigrations(host, ROUTER_MIGRATIONS);
    expect(unsent(host, "events", 10).map((row) => row.body)).toEqual(['{"kind":"event"}']);
    expect(dueTimers(host, 100).map((t) => `${t.kind}:${t.sid}`)).toEqual(["outbox:events", "ttl:WT1"]);
  });
});
