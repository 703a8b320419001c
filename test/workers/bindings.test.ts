// The storage and messaging bindings declared in wrangler.toml exist and work locally.
import { env } from "cloudflare:workers";
import { applyD1Migrations, createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index";

describe("D1 (DB)", () => {
  beforeAll(async () => {
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  });

  it("carries the schema row written by the first migration", async () => {
    const row = await env.DB.prepare("SELECT value FROM sb_meta WHERE key = ?").bind("schema").first();
    expect(row).toEqual({ value: "switchboard-d1/1" });
  });

  it("inserts and selects with bound parameters", async () => {
    await env.DB.prepare("INSERT INTO sb_meta (key, value, updated_at) VALUES (?, ?, ?)")
      .bind("test.key", "test-value", 1_700_000_000_000)
      .run();
    const { results } = await env.DB.prepare("SELECT key, value, updated_at FROM sb_meta WHERE key = ?").bind("test.key").all();
    expect(results).toEqual([{ key: "test.key", value: "test-value", updated_at: 1_700_000_000_000 }]);
  });
});

describe("R2 (RECORDINGS)", () => {
  it("stores and returns an object with its metadata", async () => {
    await env.RECORDINGS.put("ws-test/call-1.ogg", "not really audio", {
      httpMetadata: { contentType: "audio/ogg" },
    });
    const object = await env.RECORDINGS.get("ws-test/call-1.ogg");
    expect(object?.httpMetadata?.contentType).toBe("audio/ogg");
    expect(await object?.text()).toBe("not really audio");
  });
});

describe("Queue (EVENTS)", () => {
  it("accepts a message from the producer", async () => {
    await expect(env.EVENTS.send({ type: "test.event" })).resolves.not.toThrow();
  });

  it("the consumer acknowledges a batch", async () => {
    const batch = createMessageBatch("switchboard-events", [
      { id: "m1", timestamp: 1_000, attempts: 1, body: { type: "test.event" } },
      { id: "m2", timestamp: 2_000, attempts: 1, body: { type: "test.event" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect(await getQueueResult(batch, ctx)).toMatchObject({ outcome: "ok", ackAll: true });
  });
});
