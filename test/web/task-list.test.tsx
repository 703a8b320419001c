/**
 * The agent's task cards, in happy-dom with the fake conversation socket: each card shows the
 * conversation's last line (who wrote it; a note marked), the unread count, and a timer that says how
 * long the customer has waited for an answer — red past the queue's SLA threshold — or, once the agent
 * answered, how long the agent has had the task. The card shares the socket with the task's chat.
 */
import { act, cleanup, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TaskList } from "../../web/desktop/src/app/agent/task-list";
import type { AgentQueueView } from "../../web/desktop/src/app/agent/task-store";
import { DesktopProvider } from "../../web/desktop/src/app/desktop-context";
import { createDesktop } from "../../web/desktop/src/framework";
import {
  FakeWebSocket,
  MB_AGENT,
  MB_CUSTOMER,
  WK_ME,
  WS_SID,
  message,
  participant,
  session,
  snapshot,
  stubFetch,
  task,
} from "./task-fixtures";

const QUEUE: AgentQueueView = { sid: "WQ" + "5".repeat(32), name: "Support", waiting: 0, oldestSince: null, slaSeconds: 60 };

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  stubFetch({});
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function renderList(messages: Parameters<typeof snapshot>[0], readIndex: number | null = null) {
  const desktop = createDesktop({
    workspaceSid: WS_SID,
    user: { identity: WK_ME, role: "agent", workerSid: WK_ME },
    desktopNotifications: null,
  });
  render(
    <DesktopProvider desktop={desktop}>
      <TaskList tasks={[task()]} selectedTaskSid={null} session={session} queues={[QUEUE]} />
    </DesktopProvider>,
  );
  await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
  const socket = FakeWebSocket.latest();
  act(() => {
    socket.serverOpen();
    socket.serverSend(
      snapshot(messages, [
        participant(MB_AGENT, "agent", "Ada", { last_read_message_index: readIndex }),
        participant(MB_CUSTOMER, "customer", "Ann"),
      ]),
    );
  });
  return { socket, card: () => screen.getByRole("option", { name: /Ann Lee/ }) };
}

describe("a task card", () => {
  it("shows the customer's last message, the unread count, and a wait that turns red past the queue's SLA", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, now: Date.UTC(2026, 0, 2, 10, 3, 30) });
    // The customer wrote at 10:02 and 10:03; the agent read up to the first (index 0).
    const { card } = await renderList(
      [message(0, MB_CUSTOMER, "Hello"), message(1, MB_AGENT, "Hi!"), message(2, MB_CUSTOMER, "Where is my parcel?")],
      0,
    );
    expect(card().querySelector(".sb-card-preview")!.textContent).toBe("Where is my parcel?");
    expect(within(card()).getByLabelText("1 unread message").textContent).toBe("1");
    // Waiting since 10:02 (index 2's time): 1:30 at 10:03:30, past the 60 s SLA.
    const wait = within(card()).getByLabelText(/^Customer waiting for 1:3\d$/);
    expect(wait.getAttribute("data-tone")).toBe("error");
  });

  it("after the agent's answer: 'You: …', no wait timer, the time in conversation; a note is marked as one", async () => {
    const { socket, card } = await renderList([message(0, MB_CUSTOMER, "Hello"), message(1, MB_AGENT, "On it")], 1);
    expect(card().querySelector(".sb-card-preview")!.textContent).toBe("You: On it");
    expect(within(card()).queryByLabelText(/unread/)).toBeNull();
    expect(within(card()).queryByLabelText(/^Customer waiting/)).toBeNull();
    expect(within(card()).getByLabelText(/^With you for/)).toBeTruthy();
    act(() =>
      socket.serverSend({
        type: "message.added",
        message: message(2, null, "Offer the voucher", { visibility: "staff", author_role: "supervisor", author: "Sam" }),
      }),
    );
    const preview = card().querySelector(".sb-card-preview")!;
    expect(preview.hasAttribute("data-staff")).toBe(true);
    expect(preview.textContent).toBe("Offer the voucher");
    expect(within(card()).getByLabelText("1 unread message")).toBeTruthy();
  });
});
