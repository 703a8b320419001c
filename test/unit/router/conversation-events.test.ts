import { describe, expect, it } from "vitest";
import { conversationMessage } from "../../../durable-objects/router/lifecycle/conversation-events";
import type { EventRecord } from "../../../contract/taskrouter";

const CH = "CH" + "c".repeat(32);
const event = (type: string, attributes: unknown, extra: Record<string, unknown> = {}): EventRecord => ({
  account_sid: "AC" + "a".repeat(32),
  workspace_sid: "WS" + "b".repeat(32),
  sid: "EV" + "e".repeat(32),
  event_type: type,
  event_date: "2026-11-25T17:00:00Z",
  event_date_ms: 1_795_000_000_000,
  description: "",
  resource_type: "Reservation",
  resource_sid: "WR" + "1".repeat(32),
  resource_url: "",
  actor_type: "workspace",
  actor_sid: "WS" + "b".repeat(32),
  actor_url: "",
  event_data: {
    task_sid: "WT" + "2".repeat(32),
    task_attributes: typeof attributes === "string" ? attributes : JSON.stringify(attributes),
    ...extra,
  },
  source: "switchboard",
  source_ip_address: "",
});

describe("conversationMessage", () => {
  it("turns an accepted reservation of a conversation's task into the ConversationDO's event", () => {
    const message = conversationMessage(
      event(
        "reservation.accepted",
        { conversationSid: CH, channelType: "sms" },
        { worker_sid: "WK" + "3".repeat(32), worker_name: "Alice", reservation_sid: "WR" + "1".repeat(32) },
      ),
    );
    expect(message).toEqual({
      kind: "conversation",
      accountSid: "AC" + "a".repeat(32),
      conversationSid: CH,
      event: {
        eventSid: "EV" + "e".repeat(32),
        eventType: "reservation.accepted",
        workspaceSid: "WS" + "b".repeat(32),
        taskSid: "WT" + "2".repeat(32),
        conversationSid: CH,
        workerSid: "WK" + "3".repeat(32),
        workerName: "Alice",
        reservationSid: "WR" + "1".repeat(32),
        at: 1_795_000_000_000,
      },
    });
  });

  it.each([
    ["an event a conversation does not need", event("reservation.created", { conversationSid: CH })],
    ["a task without a conversation", event("task.completed", { type: "support" })],
    ["a conversationSid that is not a CH SID", event("task.completed", { conversationSid: "CH123" })],
    ["attributes that are not JSON (mentioning the key)", event("task.completed", "conversationSid: oops")],
  ])("ignores %s", (_what, record) => {
    expect(conversationMessage(record)).toBeNull();
  });
});

describe("a canceled task's reason", () => {
  it("goes with task.canceled, so a call whose task was canceled (a redirect) ends saying why", () => {
    const message = conversationMessage(
      event(
        "task.canceled",
        { conversationSid: CH, call_sid: "CA" + "2".repeat(32) },
        { task_canceled_reason: "Redirected to https://x.example" },
      ),
    );
    expect(message?.event.reason).toBe("Redirected to https://x.example");
    expect(conversationMessage(event("task.canceled", { conversationSid: CH }))?.event).not.toHaveProperty("reason");
  });
});
