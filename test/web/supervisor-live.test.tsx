/**
 * The supervisor's view of the team's work in hand, fed by fake sockets: each Teams row lists the agent's
 * tasks (channel icon, customer, status, a ticking time), and the Live tab lists the live chats, filters
 * them, moves between them with the keyboard and opens one over the conversation socket with the
 * supervisor's token — the transcript read-only with staff notes marked and who is typing, a whisper that
 * goes out as a note, Join / Leave (barge) and, once joined, a reply to the customer.
 */
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConversationFrame } from "../../contract/conversations";
import { DesktopProvider } from "../../web/desktop/src/app/desktop-context";
import type { FeedReservation, FeedWorker } from "../../web/desktop/src/app/supervisor/feed";
import { SupervisorView } from "../../web/desktop/src/app/supervisor/supervisor-view";
import { registerTaskActions } from "../../web/desktop/src/app/task/actions";
import type { DesktopSession } from "../../web/desktop/src/app/types";
import { createDesktop, type Desktop } from "../../web/desktop/src/framework";
import {
  CH_SID,
  FakeWebSocket,
  MB_AGENT,
  MB_CUSTOMER,
  WS_SID,
  callRecord,
  message,
  participant,
  snapshot as chatSnapshot,
  stubFetch,
} from "./task-fixtures";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const WK_ADA = "WK" + "1".repeat(32);
const WK_BEN = "WK" + "2".repeat(32);
const WK_CY = "WK" + "3".repeat(32);
const WQ_SUPPORT = "WQ" + "4".repeat(32);
const WQ_SALES = "WQ" + "5".repeat(32);
const CH_BO = "CH" + "b".repeat(32);
const MB_SUE = "MB" + "5".repeat(32);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

let n = 0;
const held = (overrides: Partial<FeedReservation>): FeedReservation => ({
  sid: "WR" + String(++n).padStart(32, "0"),
  task_sid: "WT" + String(n).padStart(32, "0"),
  status: "accepted",
  task_channel_unique_name: "chat",
  date_created: iso(T0 - 125_000),
  conversation_sid: null,
  channel_type: "web",
  customer: null,
  task_queue_sid: WQ_SUPPORT,
  task_queue_name: "Support",
  ...overrides,
});

const worker = (sid: string, name: string, reservations: FeedReservation[]): FeedWorker => ({
  sid,
  friendly_name: name,
  activity_sid: "WA" + "0".repeat(32),
  activity_name: "Available",
  available: true,
  date_status_changed_ms: T0 - 600_000,
  attributes: "{}",
  channels: [],
  reservations,
});

// Ada: Ann's web chat (accepted 2:05 ago) and an SMS ringing for 5 s from someone unnamed; Ben: Bo's
// WhatsApp chat in wrap-up (since 1:00 ago, Sales); Cy: a task with no conversation; Dee: nothing.
const ann = held({ conversation_sid: CH_SID, customer: "Ann Lee" });
const ringing = held({ status: "pending", channel_type: "sms", date_created: iso(T0 - 5_000) });
const bo = held({
  status: "wrapping",
  conversation_sid: CH_BO,
  channel_type: "whatsapp",
  customer: "Bo",
  date_created: iso(T0 - 60_000),
  task_queue_sid: WQ_SALES,
  task_queue_name: "Sales",
});
const visitor = held({ status: "wrapping", channel_type: "web" });
const team = (adaHolds = [ann, ringing]) => [
  worker(WK_ADA, "Ada", adaHolds),
  worker(WK_BEN, "Ben", [bo]),
  worker(WK_CY, "Cy", [visitor]),
  worker("WK" + "4".repeat(32), "Dee", []),
];
const feedFrame = (workers: FeedWorker[], type = "supervisor.snapshot") => ({
  type,
  date: iso(T0),
  date_ms: T0,
  queues: [],
  workers,
  removed_worker_sids: [],
});

type ChatSnapshot = Extract<ConversationFrame, { type: "conversation.snapshot" }>;
/** The conversation's snapshot as this socket sees it: `you` is a participant once joined, else `supervisor:<identity>`. */
const snapshotFor = (you: string, ...args: Parameters<typeof chatSnapshot>): ChatSnapshot => ({
  ...(chatSnapshot(...args) as ChatSnapshot),
  you,
});

const session: DesktopSession = {
  user: { sid: "US1", email: "sue@x.test", name: "Sue", role: "supervisor", workspaceSid: WS_SID, workerSid: null },
  token: () => Promise.resolve("jwt-supervisor"),
};
let desktop: Desktop;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket); // the conversation sockets
  sessionStorage.clear();
  desktop = createDesktop({ workspaceSid: WS_SID, user: { identity: "sue@x.test", role: "supervisor", workerSid: null } as never });
  registerTaskActions(desktop, session); // SendMessage, as the desktop's boot registers it
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** Renders the view, opens its feed socket and sends the team's snapshot. */
async function mount(workers = team()) {
  render(
    <DesktopProvider desktop={desktop}>
      <SupervisorView session={session} WebSocket={FakeWebSocket as unknown as typeof WebSocket} realtimeUrl="ws://sb.test/api/realtime" />
    </DesktopProvider>,
  );
  await act(async () => {});
  const feed = FakeWebSocket.latest();
  act(() => {
    feed.serverOpen();
    feed.serverSend(feedFrame(workers) as unknown as ConversationFrame);
  });
  return feed;
}

/** The customers the Live list shows, in order. */
const customers = () =>
  within(screen.getByRole("table", { name: /Live conversations/ }))
    .getAllByRole("rowheader")
    .map((cell) => cell.textContent);
const rowOf = (name: string) => screen.getByRole("rowheader", { name }).closest("tr")!;
const tasksOf = (name: string) =>
  within(rowOf(name))
    .queryAllByRole("listitem")
    .map((li) => li.textContent);

describe("Teams: each agent's tasks in hand", () => {
  it("shows each task's channel, customer, status and time, ticking, and follows the feed", async () => {
    const feed = await mount();
    expect(tasksOf("Ada")).toEqual(["On webAnn LeeAccepted2:05", "On smsUnknown customerRinging0:05"]);
    expect(tasksOf("Ben")).toEqual(["On whatsappBoWrapping up1:00"]);
    expect(tasksOf("Cy")).toEqual(["On webWebsite visitorWrapping up2:05"]); // a web visitor who gave no name
    expect(within(rowOf("Dee")).getByText("No tasks")).toBeTruthy();
    // The channel's icon (Lucide's), and a time a screen reader can name.
    const [web, sms] = within(rowOf("Ada")).getAllByRole("listitem");
    expect(web!.querySelector("svg")!.getAttribute("class")).toContain("lucide-message-square");
    expect(sms!.querySelector("svg")!.getAttribute("class")).toContain("lucide-smartphone");
    expect(within(web!).getByLabelText("Time on this task 2:05")).toBeTruthy();

    act(() => void vi.advanceTimersByTime(3_000));
    expect(tasksOf("Ada")).toEqual(["On webAnn LeeAccepted2:08", "On smsUnknown customerRinging0:08"]);

    // Ada wraps Ann's chat and the SMS stops ringing (it went to someone else).
    act(() => feed.serverSend(feedFrame([worker(WK_ADA, "Ada", [{ ...ann, status: "wrapping" }])], "supervisor.delta") as never));
    expect(tasksOf("Ada")).toEqual(["On webAnn LeeWrapping up2:08"]);
  });

  it("reads a task from an older server, which sends no customer, channel or start", async () => {
    await mount([worker(WK_ADA, "Ada", [{ sid: "WR" + "9".repeat(32), task_sid: "WT" + "9".repeat(32), status: "accepted" }])]);
    expect(tasksOf("Ada")).toEqual(["Unknown customerAccepted"]);
  });
});

describe("Live: the team's live chats", () => {
  const openLive = () => fireEvent.click(screen.getByRole("tab", { name: "Live" }));
  const watchButton = (customer: string, agent: string) => screen.getByRole("button", { name: `Watch ${customer} with ${agent}` });

  it("lists only accepted and wrapping chats with a conversation, oldest first, filtered by agent and queue", async () => {
    await mount();
    openLive();
    expect(customers()).toEqual(["Ann Lee", "Bo"]); // not the ringing SMS, nor Cy's task without a conversation
    expect(
      within(rowOf("Bo"))
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["Ben", " whatsapp", "Sales", "Wrapping up", "—", "1:00", " Watch"]);
    const filters = within(screen.getByRole("group", { name: "Live conversations" }));
    fireEvent.change(filters.getByLabelText("Agent"), { target: { value: "Ben" } });
    expect(customers()).toEqual(["Bo"]);
    fireEvent.change(filters.getByLabelText("Agent"), { target: { value: "" } });
    fireEvent.change(filters.getByLabelText("Queue"), { target: { value: "Support" } });
    expect(customers()).toEqual(["Ann Lee"]);
    fireEvent.change(filters.getByLabelText("Agent"), { target: { value: "Ben" } });
    expect(screen.getByText("No live conversations right now.")).toBeTruthy();
  });

  it("moves between the rows with the arrow keys (wrapping), Home and End", async () => {
    await mount();
    openLive();
    const first = watchButton("Ann Lee", "Ada");
    const second = watchButton("Bo", "Ben");
    first.focus();
    fireEvent.keyDown(first, { key: "ArrowDown" });
    expect(document.activeElement).toBe(second);
    fireEvent.keyDown(second, { key: "ArrowDown" }); // wraps round, as every list of the desk does
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first, { key: "End" });
    expect(document.activeElement).toBe(second);
    fireEvent.keyDown(second, { key: "Home" });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first, { key: "End" });
    expect(document.activeElement).toBe(second);
    fireEvent.keyDown(second, { key: "ArrowUp" });
    expect(document.activeElement).toBe(first);
  });

  it("shows an empty state when nobody has a live chat", async () => {
    await mount([worker(WK_ADA, "Ada", [ringing])]);
    openLive();
    expect(screen.getByText("No live conversations right now.")).toBeTruthy();
    expect(screen.getByText("A chat shows here as soon as an agent accepts it.")).toBeTruthy();
  });
});

describe("Live: watching a chat", () => {
  /** Opens the Live tab, watches Ann's chat and answers its socket with a snapshot (watching: `you` names no participant). */
  async function watchAnn() {
    const feed = await mount();
    fireEvent.click(screen.getByRole("tab", { name: "Live" }));
    fireEvent.click(screen.getByRole("button", { name: "Watch Ann Lee with Ada" }));
    await act(async () => {});
    const socket = FakeWebSocket.latest();
    const note = message(2, MB_AGENT, "Refund approved by billing", { visibility: "staff" });
    act(() => {
      socket.serverOpen();
      socket.serverSend(
        snapshotFor("supervisor:US1", [message(0, MB_CUSTOMER, "Where is my order?"), message(1, MB_AGENT, "Let me check"), note]),
      );
    });
    return { feed, socket, chat: screen.getByRole("region", { name: "Ann Lee with Ada" }) };
  }
  const sent = (socket: FakeWebSocket) => socket.sent as Record<string, unknown>[];

  it("opens the transcript read-only over the conversation socket with the supervisor's token", async () => {
    const { socket, chat } = await watchAnn();
    expect(socket.url).toBe(`ws://localhost:3000/api/conversations/${CH_SID}/socket`);
    expect(socket.protocols).toEqual(["switchboard.conversation.v1", "token.jwt-supervisor"]);
    expect(document.activeElement).toBe(within(chat).getByRole("heading", { name: "Ann Lee with Ada" }));
    expect(within(chat).getByText("You are watching: the customer does not see you.")).toBeTruthy();
    const log = within(chat).getByRole("log", { name: "Conversation with Ann Lee" });
    const items = within(log).getAllByRole("listitem");
    expect(items.map((li) => li.querySelector(".sb-chat__body")?.textContent)).toEqual([
      "Where is my order?",
      "Let me check",
      "Refund approved by billing",
    ]);
    expect(items[2]!.textContent).toContain("Internal note"); // staff only, and marked so
    expect(items[1]!.textContent).not.toContain("You"); // the agent's message is not the supervisor's

    act(() => socket.serverSend({ type: "typing", participantSid: MB_AGENT, displayName: "Ada" }));
    expect(within(chat).getByText("Ada is typing…")).toBeTruthy();
    // Read-only: a whisper box, no reply box until they join.
    expect(within(chat).getByRole("textbox", { name: "Whisper to Ada" })).toBeTruthy();
    expect(within(chat).queryByRole("textbox", { name: "Reply to Ann Lee" })).toBeNull();
    expect(sent(socket).filter((frame) => frame.type === "read")).toEqual([]); // watching marks nothing read
  });

  it("whispers to the agent as a note, joins and writes to the customer, then leaves", async () => {
    const { socket, chat } = await watchAnn();
    const whisper = within(chat).getByRole("textbox", { name: "Whisper to Ada" });
    fireEvent.change(whisper, { target: { value: "She is a VIP, offer the upgrade" } });
    fireEvent.keyDown(whisper, { key: "Enter" });
    await act(async () => {});
    expect(sent(socket).filter((frame) => frame.type === "message.send")).toEqual([
      { type: "message.send", clientId: expect.any(String), body: "She is a VIP, offer the upgrade", note: true },
    ]);
    // A supervisor who only watches is no participant: their typing is not announced (the server would refuse it).
    expect(sent(socket).filter((frame) => frame.type === "typing")).toEqual([]);

    fireEvent.click(within(chat).getByRole("button", { name: "Join conversation" }));
    await act(async () => {});
    expect(sent(socket).at(-1)).toEqual({ type: "barge.join", displayName: "Sue" });
    // The server answers a barge with a fresh snapshot naming the supervisor's participant.
    const sue = participant(MB_SUE, "supervisor", "Sue");
    act(() =>
      socket.serverSend(
        snapshotFor(
          MB_SUE,
          [message(0, MB_CUSTOMER, "Where is my order?")],
          [participant(MB_AGENT, "agent", "Ada"), participant(MB_CUSTOMER, "customer", "Ann"), sue],
        ),
      ),
    );
    expect(within(chat).getByText("You joined: the customer sees what you write.")).toBeTruthy();
    const reply = within(chat).getByRole("textbox", { name: "Reply to Ann Lee" });
    fireEvent.change(reply, { target: { value: "Hi Ann, I am Sue, Ada's team lead" } });
    fireEvent.keyDown(reply, { key: "Enter" });
    await act(async () => {});
    expect(sent(socket).at(-1)).toEqual({ type: "message.send", clientId: expect.any(String), body: "Hi Ann, I am Sue, Ada's team lead" });

    fireEvent.click(within(chat).getByRole("button", { name: "Leave conversation" }));
    await act(async () => {});
    expect(sent(socket).at(-1)).toEqual({ type: "barge.leave" });
    act(() => socket.serverSend(snapshotFor("supervisor:US1", [])));
    expect(within(chat).queryByRole("textbox", { name: "Reply to Ann Lee" })).toBeNull();
    expect(within(chat).getByRole("button", { name: "Join conversation" })).toBeTruthy();
  });

  it("cannot join before the socket is open, and a barge with no open conversation is refused", async () => {
    await mount();
    fireEvent.click(screen.getByRole("tab", { name: "Live" }));
    fireEvent.click(screen.getByRole("button", { name: "Watch Ann Lee with Ada" }));
    await act(async () => {});
    expect((screen.getByRole("button", { name: "Join conversation" }) as HTMLButtonElement).disabled).toBe(true);
    await expect(desktop.Actions.invokeAction("BargeIn", { conversationSid: CH_BO })).rejects.toThrow(
      `Conversation ${CH_BO} is not open in this desktop`,
    );
  });

  it("keeps a chat the agent completed open, marked no longer live; closing closes its socket and returns focus to the list", async () => {
    const { feed, socket, chat } = await watchAnn();
    act(() => feed.serverSend(feedFrame([worker(WK_ADA, "Ada", [])], "supervisor.delta") as never));
    expect(within(chat).getByText("This conversation is no longer live.")).toBeTruthy();
    expect((within(chat).getByRole("button", { name: "Join conversation" }) as HTMLButtonElement).disabled).toBe(true);
    expect(customers()).toEqual(["Bo"]);
    fireEvent.click(within(chat).getByRole("button", { name: "Close conversation" }));
    expect(socket.readyState).toBe(FakeWebSocket.CLOSED);
    expect(screen.queryByRole("region", { name: "Ann Lee with Ada" })).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Watch Bo with Ben" }));
    await act(async () => {});
    fireEvent.click(screen.getByRole("button", { name: "Close conversation" }));
    await act(async () => {});
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Watch Bo with Ben" }));
  });
});

describe("Live: a supervisor on a call", () => {
  /** Ada's task is a voice call; the supervisor watches it: the call controls sit above the transcript. */
  async function watchCall() {
    const calls = stubFetch({
      [`POST /api/conversations/${CH_SID}/media-token`]: () =>
        Response.json({ code: 40900, message: "No live call in this conversation", status: 409 }, { status: 409 }),
    });
    await mount([worker(WK_ADA, "Ada", [{ ...ann, task_channel_unique_name: "voice" }])]);
    fireEvent.click(screen.getByRole("tab", { name: "Live" }));
    fireEvent.click(screen.getByRole("button", { name: "Watch Ann Lee with Ada" }));
    await act(async () => {});
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.serverOpen();
      socket.serverSend(
        snapshotFor(
          "supervisor:US1",
          [message(0, MB_CUSTOMER, "Started a voice call")],
          undefined,
          callRecord({ date_connected: iso(T0 - 65_000) }),
        ),
      );
    });
    return { calls, controls: screen.getByRole("region", { name: "Call controls" }) };
  }

  it("lists the call as a voice call, shows its state and time, and is in the call in no way until a mode is picked", async () => {
    const { calls, controls } = await watchCall();
    const row = screen.getByRole("rowheader", { name: "Ann Lee" }).closest("tr")!;
    expect(row.textContent).toContain("voice");
    expect(within(controls).getByText("Call: Connected")).toBeTruthy();
    expect(controls.querySelector("time")?.textContent).toBe("1:05");
    expect(within(controls).getByRole("status").textContent).toBe("You are not in the call.");
    expect(
      within(controls)
        .getAllByRole("button")
        .map((b) => [b.textContent?.trim(), b.getAttribute("aria-pressed")]),
    ).toEqual([
      ["Listen", "false"],
      ["Whisper", "false"],
      ["Barge in", "false"],
    ]);
    expect(calls.filter((r) => r.url.includes("media-token"))).toEqual([]);
  });

  it.each([
    ["Listen", "monitor"],
    ["Whisper", "whisper"],
    ["Barge in", "barge"],
  ])("%s asks the call's token with Mode=%s, and a refusal says why; Leave the call leaves", async (button, mode) => {
    const { calls, controls } = await watchCall();
    await act(async () => fireEvent.click(within(controls).getByRole("button", { name: button })));
    await act(async () => {});
    const asked = calls.filter((r) => r.url.endsWith("/media-token"));
    expect(asked).toHaveLength(1);
    expect(new URLSearchParams(await asked[0]!.text()).get("Mode")).toBe(mode);
    expect(within(controls).getByRole("button", { name: button }).getAttribute("aria-pressed")).toBe("true");
    expect(within(controls).getByRole("status").textContent).toBe("The call's audio failed: No live call in this conversation");
    fireEvent.click(within(controls).getByRole("button", { name: "Leave the call" }));
    expect(within(controls).getByRole("status").textContent).toBe("You are not in the call.");
  });
});

describe("Live: a call's state in the list", () => {
  /** The Live tab with Ada on a voice call (Ann) and Ben on a chat (Bo); `GET …/call` answers `calls()` in turn. */
  async function listed(...answers: (Response | (() => Response))[]) {
    let asked = 0;
    const requests = stubFetch({
      [`GET /api/conversations/${CH_SID}/call`]: () => {
        const answer = answers[Math.min(asked++, answers.length - 1)]!;
        return typeof answer === "function" ? answer() : answer.clone();
      },
    });
    await mount([worker(WK_ADA, "Ada", [{ ...ann, task_channel_unique_name: "voice" }]), worker(WK_BEN, "Ben", [bo])]);
    fireEvent.click(screen.getByRole("tab", { name: "Live" }));
    await act(async () => {});
    const table = screen.getByRole("table", { name: /Live conversations/ });
    const callCell = (name: string) => cell(rowOf(name), table, "Call");
    return { requests, callCell };
  }
  /** A row's cell by its column's header. */
  function cell(row: HTMLElement, table: HTMLElement, header: string): HTMLElement {
    const headers = [...table.querySelectorAll("thead th")].map((th) => th.textContent?.trim());
    return row.querySelectorAll<HTMLElement>("th, td")[headers.indexOf(header)]!;
  }
  const answer = (call: ReturnType<typeof callRecord> | null) => Response.json({ call });

  // Each row: the call's record → the Call cell's text (state, then its time: T0 is 10:00:00).
  it.each([
    ["waiting, timed since it started", { state: "waiting", date_created: iso(T0 - 42_000), date_connected: null }, "Waiting 0:42"],
    ["connected, timed since it connected", { state: "connected", date_connected: iso(T0 - 65_000) }, "Connected 1:05"],
    ["held, still timed since it connected", { state: "held", date_connected: iso(T0 - 125_000) }, "On hold 2:05"],
    ["ended: a dash", { state: "ended", date_ended: iso(T0 - 1_000) }, "—"],
  ] as const)("%s", async (_name, overrides, text) => {
    const { requests, callCell } = await listed(answer(callRecord(overrides)));
    expect(callCell("Ann Lee").textContent).toBe(text);
    // The chat's row reads no call: only Ann's conversation was asked, with the supervisor's token.
    expect(callCell("Bo").textContent).toBe("—");
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([`GET /api/conversations/${CH_SID}/call`]);
    expect(requests[0]!.headers.get("authorization")).toBe("Bearer jwt-supervisor");
  });

  it("reads the call again every few seconds: a hold shows, the time ticks; a refusal or no call shows a dash", async () => {
    const { requests, callCell } = await listed(
      answer(callRecord({ state: "connected", date_connected: iso(T0 - 65_000) })),
      answer(callRecord({ state: "held", date_connected: iso(T0 - 65_000) })),
      () => Response.json({ code: 20403, message: "not yours", status: 403 }, { status: 403 }),
    );
    expect(callCell("Ann Lee").textContent).toBe("Connected 1:05");
    await act(async () => vi.advanceTimersByTime(5_000));
    expect(callCell("Ann Lee").textContent).toBe("On hold 1:10");
    expect(callCell("Ann Lee").querySelector("time")?.getAttribute("aria-label")).toBe("Time on the call 1:10");
    await act(async () => vi.advanceTimersByTime(5_000));
    expect(callCell("Ann Lee").textContent).toBe("—");
    expect(requests).toHaveLength(3);
  });

  it("stops reading once the row is gone from the list", async () => {
    const { requests } = await listed(answer(callRecord({ state: "connected" })));
    cleanup();
    await act(async () => vi.advanceTimersByTime(20_000));
    expect(requests).toHaveLength(1);
  });
});
