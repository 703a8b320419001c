// The outbound delivery queue with an injected `deliver`: order kept, only the head in flight, retry with
// backoff, giving up, failures visible on the message, and provider statuses that never move backwards.
import { describe, expect, it } from "vitest";
import type { DeliveryOutcome, OutboundMessage } from "../../../channels/messages";
import {
  IN_FLIGHT_MS,
  MAX_DELIVERY_ATTEMPTS,
  advances,
  applyStatus,
  drainDeliveries,
} from "../../../durable-objects/conversation/lifecycle/delivery";
import { addMessage } from "../../../durable-objects/conversation/lifecycle/messages";
import { receive } from "../../../durable-objects/conversation/lifecycle/inbound";
import { timerDueAt } from "../../../durable-objects/kit/timers";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { ACCOUNT, SID, at, context, inbound, migratedHost } from "./conversation-fixtures";

/** An SMS conversation with the agent's messages `bodies` queued. */
function queued(...bodies: string[]) {
  const host = migratedHost();
  receive(at(host, 1_000), ACCOUNT, context(), inbound("SM-in"));
  for (const body of bodies) addMessage(at(host, 2_000), ACCOUNT, { author: "WK-agent", body });
  return host;
}

/** A provider double answering from a script, recording what it was sent. */
function provider(...script: DeliveryOutcome[]) {
  const sent: OutboundMessage[] = [];
  const deliver = async (message: OutboundMessage) => {
    sent.push(message);
    return script.shift() ?? { kind: "sent", providerMessageId: `P-${message.index}` };
  };
  return { sent, deliver };
}

const status = (host: StoreHost) =>
  host.sql.exec("SELECT idx, delivery_status, delivery_error, provider_message_id FROM sb_messages WHERE idx > 0 ORDER BY idx").toArray();
const drain = (host: StoreHost, deliver: (m: OutboundMessage) => Promise<DeliveryOutcome>, now: number, frames: unknown[] = []) =>
  drainDeliveries(
    host,
    SID,
    deliver,
    () => now,
    (frame) => frames.push(frame),
  );

describe("the delivery queue", () => {
  it("sends in the order written, to the customer's binding, and records the provider's IDs", async () => {
    const host = queued("one", "two", "three");
    const { sent, deliver } = provider();
    const frames: unknown[] = [];
    await drain(host, deliver, 3_000, frames);
    expect(sent.map((m) => [m.body, m.customerAddress, m.proxyAddress])).toEqual([
      ["one", "+15550001111", "+15559990000"],
      ["two", "+15550001111", "+15559990000"],
      ["three", "+15550001111", "+15559990000"],
    ]);
    expect(status(host).map((r) => [r.delivery_status, r.provider_message_id])).toEqual([
      ["sent", "P-1"],
      ["sent", "P-2"],
      ["sent", "P-3"],
    ]);
    expect(frames).toContainEqual(expect.objectContaining({ type: "message.updated" }));
    expect(timerDueAt(host, "delivery", "")).toBeNull();
  });

  it("never queues the customer's own messages", () => {
    const host = queued();
    receive(at(host, 3_000), ACCOUNT, context(), inbound("SM-2"));
    expect(host.sql.exec("SELECT count(*) AS n FROM sb_deliveries").toArray()).toEqual([{ n: 0 }]);
  });

  it("keeps a retried head in front, backs off 2 s then 4 s, and sends the rest only after it", async () => {
    const host = queued("first", "second");
    const { sent, deliver } = provider({ kind: "retry", error: "503" }, { kind: "retry", error: "503" });
    await drain(host, deliver, 10_000);
    expect(sent.map((m) => m.body)).toEqual(["first"]);
    expect(timerDueAt(host, "delivery", "")).toBe(12_000); // 2 s after the first attempt
    await drain(host, deliver, 11_000); // not due yet: nothing is sent
    expect(sent).toHaveLength(1);
    await drain(host, deliver, 12_000);
    expect(timerDueAt(host, "delivery", "")).toBe(16_000); // 4 s after the second attempt
    await drain(host, deliver, 16_000);
    expect(sent.map((m) => m.body)).toEqual(["first", "first", "first", "second"]);
    expect(status(host).map((r) => r.delivery_status)).toEqual(["sent", "sent"]);
  });

  it(`gives up after ${MAX_DELIVERY_ATTEMPTS} attempts: the message shows failed with the error, the queue moves on`, async () => {
    const host = queued("doomed", "next");
    const retries = Array.from({ length: MAX_DELIVERY_ATTEMPTS }, () => ({ kind: "retry", error: "timeout" }) as const);
    const { sent, deliver } = provider(...retries);
    for (let now = 10_000; sent.filter((m) => m.body === "doomed").length < MAX_DELIVERY_ATTEMPTS; now += 120_000)
      await drain(host, deliver, now);
    await drain(host, deliver, 10_000_000);
    expect(status(host)).toEqual([
      {
        idx: 1,
        delivery_status: "failed",
        delivery_error: `Gave up after ${MAX_DELIVERY_ATTEMPTS} attempts: timeout`,
        provider_message_id: null,
      },
      { idx: 2, delivery_status: "sent", delivery_error: null, provider_message_id: "P-2" },
    ]);
  });

  it("marks a refused message failed at once with the provider's code, and goes on", async () => {
    const host = queued("bad", "good");
    const { deliver } = provider({ kind: "failed", error: "Invalid 'To' number", errorCode: "21211" });
    await drain(host, deliver, 3_000);
    expect(status(host).map((r) => [r.delivery_status, r.delivery_error])).toEqual([
      ["failed", "21211: Invalid 'To' number"],
      ["sent", null],
    ]);
  });

  it("counts a thrown error as a retry", async () => {
    const host = queued("x");
    await drain(host, () => Promise.reject(new Error("network down")), 3_000);
    expect(host.sql.exec("SELECT attempts, last_error FROM sb_deliveries").toArray()).toEqual([
      { attempts: 1, last_error: "network down" },
    ]);
  });

  it("sends the head once while a send is in flight: a second drain waits for it", async () => {
    const host = queued("only");
    let release!: (outcome: DeliveryOutcome) => void;
    let calls = 0;
    const slow = () => {
      calls++;
      return new Promise<DeliveryOutcome>((resolve) => (release = resolve));
    };
    const first = drain(host, slow, 3_000);
    await drain(host, slow, 3_000 + IN_FLIGHT_MS - 1); // the second drain waits for the first
    expect(calls).toBe(1);
    release({ kind: "sent", providerMessageId: "P-only" });
    await first;
    expect(status(host)[0]).toMatchObject({ delivery_status: "sent", provider_message_id: "P-only" });
  });
});

describe("status reports", () => {
  // [from, to, moves]: progress only goes forward; a failure stays visible; nothing fails after delivery.
  it.each([
    ["sent", "delivered", true],
    ["delivered", "read", true],
    ["read", "delivered", false],
    ["delivered", "sent", false],
    ["sent", "failed", true],
    ["sent", "undelivered", true],
    ["failed", "delivered", false],
    ["delivered", "failed", false],
    [null, "delivered", false],
  ] as const)("%s → %s moves: %s", (from, to, moves) => {
    expect(advances(from, to)).toBe(moves);
  });

  it("applies to the message with the provider's ID, and an unknown ID matches nothing", async () => {
    const host = queued("hi");
    await drain(host, provider().deliver, 3_000);
    const op = at(host, 4_000);
    const report = { customerAddress: "+15550001111", errorCode: null, errorMessage: null, at: 4_000 };
    expect(applyStatus(op, { ...report, providerMessageId: "P-1", status: "read" })).toMatch(/^IM/);
    expect(applyStatus(op, { ...report, providerMessageId: "P-1", status: "delivered" })).toMatch(/^IM/);
    expect(applyStatus(op, { ...report, providerMessageId: "nope", status: "read" })).toBeNull();
    expect(status(host)[0]).toMatchObject({ delivery_status: "read" });
    expect(op.effects.frames.map((f) => f.type)).toEqual(["message.updated"]);
  });

  it("a watermark (Messenger's read receipt) moves every message the provider took up to that time, and none after", async () => {
    const host = queued("one", "two");
    await drain(host, provider().deliver, 3_000);
    addMessage(at(host, 5_000), ACCOUNT, { author: "WK-agent", body: "three" });
    await drain(host, provider().deliver, 5_500);
    const report = { customerAddress: "+15550001111", providerMessageId: "", errorCode: null, errorMessage: null, at: 4_500 };
    // "one" and "two" were created at 2 000, "three" at 5 000: a watermark of 4 500 covers the first two
    expect(applyStatus(at(host, 6_000), { ...report, status: "read", watermark: 4_500 })).toMatch(/^IM/);
    expect(status(host).map((m) => m.delivery_status)).toEqual(["read", "read", "sent"]);
    // an earlier "delivered" watermark moves nothing backwards
    expect(applyStatus(at(host, 6_500), { ...report, status: "delivered", watermark: 4_500 })).toBeNull();
    expect(status(host).map((m) => m.delivery_status)).toEqual(["read", "read", "sent"]);
  });
});
