// Each Durable Object class starts, migrates its storage and answers RPC.
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { applyMigrations, schemaVersion } from "../../durable-objects/kit/migrations";
import { conversationFor } from "../../platform/objects";

const namespaces = [
  ["WorkspaceDO", () => env.WORKSPACE],
  ["RouterDO", () => env.ROUTER],
  ["ConversationDO", () => env.CONVERSATION],
  ["AccountDO", () => env.ACCOUNT],
  ["DirectoryDO", () => env.DIRECTORY],
  ["FlowDO", () => env.FLOW],
] as const;

/** The schema version recorded in an object's storage: what ping() must report. */
const storedVersion = (stub: { ping(): unknown }) =>
  runInDurableObject(stub as DurableObjectStub<never>, (_instance, state) => schemaVersion(state.storage));

describe.each(namespaces)("%s", (className, namespace) => {
  it("answers ping() with its class and schema version", async () => {
    const stub = namespace().getByName("ping-test");
    const reply = await stub.ping();
    expect(reply).toEqual({ class: className, version: await storedVersion(stub) });
  });

  it("answers again through a fresh stub and after eviction", async () => {
    const { version } = await namespace().getByName("ping-again").ping();
    const again = namespace().getByName("ping-again");
    expect(await again.ping()).toEqual({ class: className, version });
    await evictDurableObject(again);
    expect(await namespace().getByName("ping-again").ping()).toEqual({ class: className, version });
  });

  it("has created its sb_migrations table on start-up", async () => {
    const stub = namespace().getByName("migrations-table");
    await stub.ping();
    const tables = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sb_%'").toArray(),
    );
    expect(tables).toContainEqual({ name: "sb_migrations" });
  });
});

// On Durable Object storage wiped first (`deleteAll()` also drops the object's own sb_migrations rows,
// which would otherwise record versions 1, 2, … and make these be skipped).
describe("applyMigrations on Durable Object storage", () => {
  const v1 = { version: 1, name: "notes", sql: "CREATE TABLE sb_notes (id INTEGER PRIMARY KEY, body TEXT)" };
  const v2 = { version: 2, name: "notes.author", sql: "ALTER TABLE sb_notes ADD COLUMN author TEXT" };

  it("applies pending migrations once, in order, and records them", async () => {
    const stub = conversationFor(env, "apply-migrations");
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.deleteAll();
      expect(applyMigrations(state.storage, [v1], () => 1_000)).toBe(1);
      expect(applyMigrations(state.storage, [v1, v2], () => 2_000)).toBe(2);
      expect(applyMigrations(state.storage, [v1, v2], () => 3_000)).toBe(2); // nothing left to do
      expect(schemaVersion(state.storage)).toBe(2);
      expect(state.storage.sql.exec("SELECT version, name, applied_at FROM sb_migrations").toArray()).toEqual([
        { version: 1, name: "notes", applied_at: 1_000 },
        { version: 2, name: "notes.author", applied_at: 2_000 },
      ]);
      state.storage.sql.exec("INSERT INTO sb_notes (body, author) VALUES (?, ?)", "hello", "ana");
    });
  });

  it("rolls back a failing migration completely, leaving the version where it was", async () => {
    const stub = conversationFor(env, "failing-migration");
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.deleteAll();
      const broken = { version: 1, name: "broken", sql: "CREATE TABLE sb_half (id INTEGER); SELECT * FROM missing" };
      expect(() => applyMigrations(state.storage, [broken])).toThrow(/missing/);
      expect(schemaVersion(state.storage)).toBe(0);
      const half = state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'sb_half'").toArray();
      expect(half).toEqual([]);
    });
  });

  it("refuses a migration list whose versions are not 1, 2, 3, …", async () => {
    const stub = conversationFor(env, "misnumbered");
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.deleteAll();
      expect(() => applyMigrations(state.storage, [v2])).toThrow(/versions must be 1, 2, 3/);
    });
  });
});
