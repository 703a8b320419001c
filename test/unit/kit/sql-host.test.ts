// The SQL host's shared suite (sql-host.case.ts) on node:sqlite, and the migrations over it: in order,
// once each, each in its own transaction.
import { describe, expect, it } from "vitest";
import { applyMigrations, schemaVersion } from "../../../durable-objects/kit/migrations";
import { rows } from "../../../durable-objects/kit/sql-host";
import { runSqlHostCases } from "./sql-host.case";
import { sqliteHost } from "./sqlite-host";

runSqlHostCases("node:sqlite", async (fn) => fn(sqliteHost()));

describe("applyMigrations", () => {
  const migrations = [
    { version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER)" },
    { version: 2, name: "two", sql: "CREATE TABLE b (y INTEGER); INSERT INTO b (y) VALUES (1)" },
  ];

  it("applies what is new, once, and records each version", () => {
    const host = sqliteHost();
    expect(applyMigrations(host, migrations.slice(0, 1), () => 5)).toBe(1);
    expect(applyMigrations(host, migrations, () => 6)).toBe(2);
    expect(applyMigrations(host, migrations, () => 7)).toBe(2);
    expect(rows(host, "SELECT version, name, applied_at FROM sb_migrations ORDER BY version")).toEqual([
      { version: 1, name: "one", applied_at: 5 },
      { version: 2, name: "two", applied_at: 6 },
    ]);
    expect(rows(host, "SELECT y FROM b")).toEqual([{ y: 1 }]);
  });

  it("leaves a migration that fails unapplied, with nothing of it written", () => {
    const host = sqliteHost();
    const broken = [...migrations, { version: 3, name: "broken", sql: "CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1)" }];
    expect(() => applyMigrations(host, broken)).toThrow();
    expect(schemaVersion(host)).toBe(2);
    expect(rows(host, "SELECT name FROM sqlite_master WHERE name = 'c'")).toEqual([]);
  });

  it("refuses versions out of order", () => {
    expect(() => applyMigrations(sqliteHost(), [migrations[1]!])).toThrow(/versions must be 1, 2, 3/);
  });
});
