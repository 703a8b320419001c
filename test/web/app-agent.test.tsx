/**
 * The agent desktop shell: a reservation frame rings (incoming panel with countdown, notification,
 * paint mark), Accept and Reject go through the actions (a before-listener can cancel: no command),
 * server errors become ActionFailed, task lists are keyboard-driven, and every task's canvas stays
 * mounted so each keeps its own draft. The canvas itself is stubbed here (it has its own tests).
 */
import type { Backoff } from "../../web/socket/reconnecting-socket";
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AgentView } from "../../web/desktop/src/app/agent/agent-view";
import type { Ringer } from "../../web/desktop/src/app/agent/ringer";
import { DesktopProvider } from "../../web/desktop/src/app/desktop-context";
import { DEFAULT_SETTINGS } from "../../web/desktop/src/app/settings";
import type { DesktopSession, TaskCanvasProps } from "../../web/desktop/src/app/types";
import { createDesktop, type Desktop } from "../../web/desktop/src/framework";
import { asWebSocket, FakeWebSocket, hello, reservationFrame, reservationSid, taskSid } from "./app-fakes";

vi.mock("../../web/desktop/src/app/task/task-canvas", () => ({
  TaskCanvas: ({ task, active }: TaskCanvasProps) => (
    <div data-testid={`canvas-${task.taskSid}`} data-active={active}>
      <textarea aria-label={`draft ${task.taskSid}`} defaultValue="" />
    </div>
  ),
}));

const session: DesktopSession = {
  user: { sid: "US1", email: "ada@example.com", name: "Ada", role: "agent", workspaceSid: "WS1", workerSid: "WK" + "1".repeat(32) },
  token: async () => "jwt-token",
};

const ringer = (): Ringer & { ringing: boolean } => {
  const r = { ringing: false, start: () => void (r.ringing = true), stop: () => void (r.ringing = false), dispose: () => undefined };
  return r;
};

let desktop: Desktop;
let bell: ReturnType<typeof ringer>;

async function mount(extra: { backoff?: Partial<Backoff> } = {}) {
  desktop = createDesktop({
    workspaceSid: "WS1",
    user: { identity: "ada", role: "agent" },
    desktopNotifications: null,
    root: document.createElement("html"),
  });
  bell = ringer();
  const view = render(
    <DesktopProvider desktop={desktop}>
      <AgentView
        session={session}
        settings={DEFAULT_SETTINGS}
        WebSocket={asWebSocket}
        realtimeUrl="ws://test/api/realtime"
        ringer={bell}
        {...extra}
        initialActivities={[{ sid: "WA1", friendly_name: "Available", available: true }]}
      />
    </DesktopProvider>,
  );
  await act(async () => {}); // the token resolves, the socket opens
  const socket = FakeWebSocket.last;
  act(() => socket.receive(hello()));
  return { view, socket };
}

/** Lets the command go out (actions await their before-listeners). */
const flush = () => act(async () => {});

beforeEach(() => {
  FakeWebSocket.reset();
  sessionStorage.clear();
  window.__sbRingTimes = [];
});
afterEach(cleanup);

describe("the agent's connection", () => {
  it("connects with the token and switchboard subprotocols, from the start of the log", async () => {
    const { socket } = await mount();
    expect(socket.protocols).toEqual(["token.jwt-token", "switchboard"]);
    expect(socket.url).toBe("ws://test/api/realtime?since=0");
    expect(screen.getByRole("status").textContent).toBe("Connected");
  });
});

describe("a ringing reservation", () => {
  it("shows the incoming panel with who, the queue and a countdown, rings, notifies, and records its paint", async () => {
    const { socket } = await mount();
    act(() => socket.receive(reservationFrame(1, "pending", 1, { preview: "Where is my order?" })));
    const panel = screen.getByRole("group", { name: "Incoming chat from Customer 1" });
    expect(within(panel).getByText("Queue: Support")).toBeTruthy();
    // The channel's icon and the start of the customer's first message, while it rings.
    expect(panel.querySelector(".sb-card-icon svg")).not.toBeNull();
    expect(within(panel).getByText("Where is my order?").tagName).toBe("Q");
    expect(within(panel).getByRole("timer").textContent).toBe("120s");
    expect(
      within(panel)
        .getByRole("button", { name: /Accept/ })
        .getAttribute("aria-keyshortcuts"),
    ).toBe("Alt+A");
    expect(bell.ringing).toBe(true);
    expect(desktop.Notifications.visible.map((n) => [n.id, n.message])).toEqual([["ReservationRinging", "New chat task from Customer 1"]]);
    await act(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
    expect(panel.getAttribute("data-ring-at")).toMatch(/^\d/);
    expect(window.__sbRingTimes?.map((r) => r.reservationSid)).toEqual([reservationSid(1)]);
  });

  it.each([
    ["voice", "Incoming call from Customer 1"],
    ["video", "Incoming video call from Customer 1"],
  ])("rings a %s task as a call", async (channel, name) => {
    const { socket } = await mount();
    const frame = reservationFrame(1, "pending", 1);
    act(() => socket.receive({ ...frame, task: { ...frame.task, task_channel_unique_name: channel } }));
    const panel = screen.getByRole("group", { name });
    expect(within(panel).getByText(name).tagName).toBe("STRONG");
    expect(panel.querySelector(".sb-card-icon svg")).not.toBeNull();
  });

  it("rings for an anonymous web visitor by that name, never their visitor ID, and lists them so once accepted", async () => {
    const { socket } = await mount();
    const visitor = "WV" + "0a".repeat(16);
    act(() => socket.receive(reservationFrame(1, "pending", 1, { name: visitor, from: visitor, channelType: "web" })));
    expect(screen.getByRole("group", { name: "Incoming chat from Website visitor" })).toBeTruthy();
    expect(desktop.Notifications.visible.map((n) => n.message)).toEqual(["New chat task from Website visitor"]);
    act(() => socket.receive(reservationFrame(1, "accepted", 2, { name: visitor, from: visitor, channelType: "web" })));
    expect(screen.getByRole("option", { name: /Website visitor/ })).toBeTruthy();
    expect(document.body.textContent).not.toContain(visitor);
  });

  it("Accept sends the accept command through AcceptTask; the ack moves the task into the list, selected", async () => {
    const { socket } = await mount();
    // Nothing in hand: the main area says what will appear there.
    expect(screen.getByText("No task open")).toBeTruthy();
    act(() => socket.receive(reservationFrame(1, "pending", 1)));
    const seen = vi.fn();
    desktop.Actions.addListener("beforeAcceptTask", (payload) => seen(payload.reservationSid));
    fireEvent.click(screen.getByRole("button", { name: /Accept/ }));
    await flush();
    expect(seen).toHaveBeenCalledWith(reservationSid(1));
    const command = socket.commands.at(-1)!;
    expect(command).toMatchObject({ type: "accept", reservation_sid: reservationSid(1) });
    await act(async () =>
      socket.receive({ type: "ack", id: command.id, reservation: { sid: reservationSid(1), reservation_status: "accepted" } }),
    );
    expect(screen.queryByRole("group", { name: /Incoming/ })).toBeNull();
    expect(bell.ringing).toBe(false);
    expect(desktop.Notifications.visible.filter((n) => n.id === "ReservationRinging")).toEqual([]);
    const card = screen.getByRole("option", { name: /Customer 1/ });
    expect(card.getAttribute("aria-selected")).toBe("true");
    // The card: the channel's icon, the queue, and how long the agent has had it.
    expect(card.querySelector(".sb-card-icon svg")).not.toBeNull();
    expect(within(card).getByLabelText(/^With you for \d+:\d\d$/)).toBeTruthy();
    expect(screen.getByTestId(`canvas-${taskSid(1)}`).dataset.active).toBe("true");
    expect(screen.queryByText("No task open")).toBeNull();
  });

  it("marks a name the visitor only typed in the pre-chat form as unverified, ringing and in the task list", async () => {
    const { socket } = await mount();
    const said = { customers: { name: null, unverified: { name: "Customer 1", email: "grace@example.com" } } };
    act(() => socket.receive(reservationFrame(1, "pending", 1, said)));
    expect(within(screen.getByRole("group", { name: "Incoming chat from Customer 1" })).getByText("unverified")).toBeTruthy();
    act(() => socket.receive(reservationFrame(2, "accepted", 2, said)));
    act(() => socket.receive(reservationFrame(3, "accepted", 3)));
    expect(screen.getByRole("option", { name: /Customer 2/ }).textContent).toContain("unverified");
    expect(screen.getByRole("option", { name: /Customer 3/ }).textContent).not.toContain("unverified");
  });

  it("a beforeAcceptTask listener that cancels stops the command from being sent", async () => {
    const { socket } = await mount();
    act(() => socket.receive(reservationFrame(1, "pending", 1, { blocked: true })));
    desktop.Actions.addListener("beforeAcceptTask", (payload, cancel) => {
      if (payload.task.attributes.blocked === true) cancel("blocked");
    });
    fireEvent.click(screen.getByRole("button", { name: /Accept/ }));
    await flush();
    expect(socket.commands).toEqual([]);
    expect(screen.getByRole("group", { name: /Incoming/ })).toBeTruthy();
  });

  it("Alt+R rejects through RejectTask; a server error becomes an ActionFailed notification", async () => {
    const { socket } = await mount();
    act(() => socket.receive(reservationFrame(1, "pending", 1)));
    fireEvent.keyDown(document, { key: "®", code: "KeyR", altKey: true });
    await flush();
    const command = socket.commands.at(-1)!;
    expect(command).toMatchObject({ type: "reject", reservation_sid: reservationSid(1) });
    await act(async () =>
      socket.receive({ type: "error", id: command.id, status: 400, code: 20001, message: "Reservation is not pending" }),
    );
    expect(desktop.Notifications.visible.map((n) => n.message)).toContain("Could not RejectTask: Reservation is not pending");
  });

  it("a reservation that times out or is canceled stops ringing", async () => {
    const { socket } = await mount();
    act(() => socket.receive(reservationFrame(1, "pending", 1)));
    act(() => socket.receive(reservationFrame(1, "timeout", 2)));
    expect(screen.queryByRole("group", { name: /Incoming/ })).toBeNull();
    expect(bell.ringing).toBe(false);
  });

  it("emits the framework's task events for plugins", async () => {
    const { socket } = await mount();
    const events: string[] = [];
    for (const name of ["reservationCreated", "accepted", "wrapup", "completed"] as const)
      desktop.Tasks.on(name, ({ task }) => events.push(`${name} ${task.sid}`));
    act(() => socket.receive(reservationFrame(1, "pending", 1)));
    act(() => socket.receive(reservationFrame(1, "accepted", 2)));
    act(() => socket.receive(reservationFrame(1, "wrapping", 3)));
    act(() => socket.receive(reservationFrame(1, "completed", 4)));
    expect(events).toEqual(["reservationCreated", "accepted", "wrapup", "completed"].map((e) => `${e} ${taskSid(1)}`));
  });
});

describe("several tasks at once", () => {
  async function twoTasks() {
    const mounted = await mount();
    act(() => mounted.socket.receive(reservationFrame(1, "accepted", 1)));
    act(() => mounted.socket.receive(reservationFrame(2, "accepted", 2)));
    return mounted;
  }

  it("the task list is a listbox: arrows move, Enter selects through SelectTask", async () => {
    await twoTasks();
    const selects: unknown[] = [];
    desktop.Actions.addListener("afterSelectTask", (payload) => selects.push(payload.taskSid));
    const list = screen.getByRole("listbox", { name: /Tasks/ });
    expect(
      within(list)
        .getAllByRole("option")
        .map((o) => o.getAttribute("aria-selected")),
    ).toEqual(["true", "false"]);
    fireEvent.keyDown(list, { key: "ArrowDown" });
    expect(list.getAttribute("aria-activedescendant")).toBe(`sb-task-${taskSid(2)}`);
    fireEvent.keyDown(list, { key: "Enter" });
    await flush();
    expect(selects).toEqual([taskSid(2)]);
    expect(
      within(list)
        .getAllByRole("option")
        .map((o) => o.getAttribute("aria-selected")),
    ).toEqual(["false", "true"]);
    fireEvent.keyDown(list, { key: "Home" });
    expect(list.getAttribute("aria-activedescendant")).toBe(`sb-task-${taskSid(1)}`);
  });

  it("each task keeps its own draft when switching: every canvas stays mounted, only the selected one active", async () => {
    await twoTasks();
    fireEvent.change(screen.getByLabelText(`draft ${taskSid(1)}`), { target: { value: "hello one" } });
    await act(() => desktop.Actions.invokeAction("SelectTask", { taskSid: taskSid(2) }));
    expect(screen.getByTestId(`canvas-${taskSid(1)}`).dataset.active).toBe("false");
    fireEvent.change(screen.getByLabelText(`draft ${taskSid(2)}`), { target: { value: "hello two" } });
    await act(() => desktop.Actions.invokeAction("SelectTask", { taskSid: taskSid(1) }));
    expect((screen.getByLabelText(`draft ${taskSid(1)}`) as HTMLTextAreaElement).value).toBe("hello one");
    expect((screen.getByLabelText(`draft ${taskSid(2)}`) as HTMLTextAreaElement).value).toBe("hello two");
    expect(screen.getByTestId(`canvas-${taskSid(1)}`).dataset.active).toBe("true");
  });

  it("WrapupTask and CompleteTask send wrapup by reservation and complete by task with the disposition as reason", async () => {
    const { socket } = await twoTasks();
    const task = { sid: taskSid(2), attributes: {} };
    const wrapping = desktop.Actions.invokeAction("WrapupTask", { task });
    await flush();
    const wrapup = socket.commands.at(-1)!;
    expect(wrapup).toMatchObject({ type: "wrapup", reservation_sid: reservationSid(2) });
    await act(async () =>
      socket.receive({ type: "ack", id: wrapup.id, reservation: { sid: reservationSid(2), reservation_status: "wrapping" } }),
    );
    await wrapping;
    const completing = desktop.Actions.invokeAction("CompleteTask", { task, reason: "Resolved" });
    await flush();
    const complete = socket.commands.at(-1)!;
    expect(complete).toMatchObject({ type: "complete", task_sid: taskSid(2), reason: "Resolved" });
    await act(async () => socket.receive({ type: "ack", id: complete.id, task: { sid: taskSid(2) } }));
    await completing;
  });
});

describe("activity", () => {
  it("the activity selector sends set-activity through SetActivity and follows the worker's frames", async () => {
    const { socket } = await mount();
    act(() =>
      socket.receive({
        type: "worker.activity.update",
        seq: 1,
        date_ms: Date.now(),
        worker: { sid: "WK1", friendly_name: "Ada", activity_sid: "WA2", activity_name: "Break" },
      }),
    );
    const select = screen.getByLabelText("Activity") as HTMLSelectElement;
    expect(select.value).toBe("WA2");
    fireEvent.change(select, { target: { value: "WA1" } });
    await flush();
    const command = socket.commands.at(-1)!;
    expect(command).toMatchObject({ type: "set-activity", activity_sid: "WA1" });
    await act(async () =>
      socket.receive({
        type: "ack",
        id: command.id,
        worker: { sid: "WK1", activity_sid: "WA1", activity_name: "Available", available: true },
      }),
    );
    expect(select.value).toBe("WA1");
  });
});

describe("the connection's life", () => {
  it("a dropped socket shows ConnectionLost and reconnects from the last seq; back online shows ConnectionRestored", async () => {
    const { socket } = await mount({ backoff: { firstDelayMs: 0 } });
    act(() => socket.receive(reservationFrame(1, "accepted", 5)));
    act(() => socket.close(1006));
    expect(screen.getByRole("status").textContent).toBe("Reconnecting…");
    expect(desktop.Notifications.visible.map((n) => n.id)).toContain("ConnectionLost");
    await act(() => new Promise((resolve) => setTimeout(resolve, 5)));
    const again = FakeWebSocket.last;
    expect(again).not.toBe(socket);
    expect(again.url).toBe("ws://test/api/realtime?since=5");
    act(() => again.receive(hello({ replay: { since: 5, count: 0, complete: true } })));
    expect(desktop.Notifications.visible.map((n) => n.id)).toEqual(["ConnectionRestored"]);
    expect(screen.getByRole("option", { name: /Customer 1/ })).toBeTruthy(); // the task is still there
  });

  it("lists the agent's queues with what waits there, from hello and then queues.waiting", async () => {
    const { socket } = await mount();
    expect(screen.queryByRole("heading", { name: "Your queues" })).toBeNull(); // none yet
    const queue = { sid: "WQ1", friendly_name: "Support", waiting: 0, oldest_waiting_since_ms: null, sla_threshold_seconds: 30 };
    act(() => socket.receive(hello({ queues: [queue] })));
    const list = () => within(screen.getByRole("heading", { name: "Your queues" }).closest("section")!).getByRole("list");
    expect(within(list()).getByLabelText("0 tasks waiting")).toBeTruthy();
    act(() =>
      socket.receive({
        type: "queues.waiting",
        date_ms: Date.now(),
        queues: [{ ...queue, waiting: 2, oldest_waiting_since_ms: Date.now() - 45_000 }],
      }),
    );
    expect(within(list()).getByLabelText("2 tasks waiting")).toBeTruthy();
    // The oldest has waited 45 s, past the queue's 30 s SLA: its timer is coloured.
    const timer = within(list()).getByLabelText(/^Oldest waiting for 0:4\d$/);
    expect(timer.getAttribute("data-tone")).toBe("error");
  });

  it("tells an agent who comes back that presence set them offline, in their language", async () => {
    const { socket } = await mount();
    const since = Date.now() - 3_600_000;
    const offline = {
      date_ms: since,
      activity_sid: "WA2",
      activity_name: "Offline",
      reason: "disconnected",
      since_ms: since - 60_000,
      grace_ms: 60_000,
    };
    act(() => socket.receive(hello({ presence_offline: offline })));
    expect(desktop.Notifications.visible.map((n) => [n.id, n.type, n.message])).toEqual([
      ["PresenceOffline", "warning", "You were set to Offline because your connection was gone for over a minute."],
    ]);
    act(() => desktop.Notifications.dismissAll());
    // A connection open but silent (a laptop asleep) for a five-minute grace period says so.
    act(() => socket.receive(hello({ presence_offline: { ...offline, reason: "silent", grace_ms: 300_000 } })));
    expect(desktop.Notifications.visible.map((n) => n.message)).toEqual([
      "You were set to Offline because your desk stopped answering for over 5 minutes (the computer may have slept).",
    ]);
    act(() => desktop.Notifications.dismissAll());
    act(() => desktop.Strings.setLocale("ar"));
    act(() => socket.receive(hello({ presence_offline: offline })));
    expect(desktop.Notifications.visible.map((n) => n.message)).toEqual(["تم تعيينك على Offline لأن اتصالك انقطع لأكثر من دقيقة."]);
    act(() => socket.receive(hello({ presence_offline: null })));
    expect(desktop.Notifications.visible).toHaveLength(1); // nothing new without a notice
  });

  it("a reload resumes from the seq kept in sessionStorage", async () => {
    sessionStorage.setItem(`switchboard.realtime.seq.${session.user.workerSid}`, "42");
    const { socket } = await mount();
    expect(socket.url).toBe("ws://test/api/realtime?since=42");
  });

  it("replayed frames rebuild the state (a still-pending reservation rings) without replaying task events to plugins", async () => {
    const { socket } = await mount();
    const events: string[] = [];
    desktop.Tasks.on("reservationCreated", ({ task }) => events.push(task.sid));
    act(() => socket.receive(hello({ replay: { since: 0, count: 3, complete: true } })));
    act(() => socket.receive(reservationFrame(1, "pending", 1)));
    act(() => socket.receive(reservationFrame(1, "canceled", 2)));
    act(() => socket.receive(reservationFrame(2, "pending", 3)));
    expect(screen.getByRole("group", { name: "Incoming chat from Customer 2" })).toBeTruthy();
    expect(events).toEqual([]);
    act(() => socket.receive(reservationFrame(3, "pending", 4))); // live again
    expect(events).toEqual([taskSid(3)]);
  });

  it("reads the worker, open reservations and activities from hello when the server sends them", async () => {
    const { socket } = await mount();
    const pending = reservationFrame(7, "pending", 1);
    act(() =>
      socket.receive(
        hello({
          worker: { sid: "WK1", friendly_name: "Ada", activity_sid: "WA3", activity_name: "Lunch", available: false },
          activities: [
            { sid: "WA1", friendly_name: "Available", available: true },
            { sid: "WA3", friendly_name: "Lunch", available: false },
          ],
          reservations: [{ reservation: pending.reservation, task: pending.task }],
        }),
      ),
    );
    const select = screen.getByLabelText("Activity") as HTMLSelectElement;
    expect([select.value, [...select.options].map((o) => o.textContent)]).toEqual(["WA3", ["Available", "Lunch"]]);
    expect(screen.getByRole("group", { name: "Incoming chat from Customer 7" })).toBeTruthy();
  });
});

describe("the countdown", () => {
  afterEach(() => vi.useRealTimers());

  it("counts down to the reservation's timeout each second, then says it timed out", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const { socket } = await mount();
    const frame = { ...reservationFrame(1, "pending", 1) };
    frame.reservation = { ...frame.reservation, timeout_at: Date.now() + 3_000 } as typeof frame.reservation;
    act(() => socket.receive(frame));
    const timer = screen.getByRole("timer");
    expect(timer.textContent).toBe("3s");
    act(() => void vi.advanceTimersByTime(1_000));
    expect(timer.textContent).toBe("2s");
    act(() => void vi.advanceTimersByTime(2_000));
    expect(timer.textContent).toBe("The reservation timed out.");
  });
});
