/**
 * The supervisor views as a supervisor sees them, fed by a fake socket: the snapshot fills Teams and
 * Queue Stats (today's figures included, with nothing polled), deltas update the numbers without a reload, time in state and the longest wait tick each
 * second, filters narrow the table, the edit dialog sends the right REST bodies (and shows a refusal
 * from the catalog), a dropped socket reconnects for a fresh snapshot, and plugin columns appear.
 */
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDesktop, type Desktop } from "../../web/desktop/src/framework";
import { setFetch } from "../../web/desktop/src/app/api";
import { DesktopProvider } from "../../web/desktop/src/app/desktop-context";
import type { FeedQueue, FeedWorker } from "../../web/desktop/src/app/supervisor/feed";
import { SupervisorView } from "../../web/desktop/src/app/supervisor/supervisor-view";
import type { DesktopSession } from "../../web/desktop/src/app/types";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const WS = "WS" + "a".repeat(32);
const WK_ADA = "WK" + "1".repeat(32);
const WK_BEN = "WK" + "2".repeat(32);
const WQ = "WQ" + "3".repeat(32);
const TC_CHAT = "TC" + "4".repeat(32);

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  push(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
}

const worker = (sid: string, name: string, overrides: Partial<FeedWorker> = {}): FeedWorker => ({
  sid,
  friendly_name: name,
  activity_sid: "WA" + "0".repeat(32),
  activity_name: "Available",
  available: true,
  date_status_changed_ms: T0 - 65_000,
  attributes: "{}",
  channels: [
    {
      task_channel_sid: TC_CHAT,
      task_channel_unique_name: "chat",
      configured_capacity: 2,
      available: true,
      reserved_tasks: 0,
      assigned_tasks: 0,
    },
  ],
  reservations: [],
  ...overrides,
});

/** The text of each list line in an agent's Teams row. */
const rowLines = (workerSid: string): (string | null)[] =>
  within(document.querySelector(`tr[data-worker-sid="${workerSid}"]`) as HTMLElement)
    .getAllByRole("listitem")
    .map((li) => li.textContent);

const queue = (overrides: Partial<FeedQueue> = {}): FeedQueue => ({
  sid: WQ,
  friendly_name: "Support",
  tasks_by_status: { pending: 2, reserved: 1, assigned: 0, wrapping: 0 },
  total_tasks: 3,
  longest_task_waiting_age: 30,
  longest_task_waiting_sid: "WT" + "5".repeat(32),
  total_available_workers: 2,
  total_eligible_workers: 4,
  activity_statistics: [
    { sid: "WA1", friendly_name: "Available", workers: 2 },
    { sid: "WA2", friendly_name: "Break", workers: 1 },
    { sid: "WA3", friendly_name: "Offline", workers: 1 },
  ],
  today: {
    since: Date.parse("2026-03-02T00:00:00Z"),
    tasks_created: 12,
    tasks_accepted: 9,
    tasks_completed: 7,
    tasks_canceled: 1,
    service_level: 0.75,
    service_level_threshold: 30,
  },
  ...overrides,
});

const snapshot = () => ({
  type: "supervisor.snapshot",
  date: new Date(T0).toISOString(),
  date_ms: T0,
  queues: [queue()],
  workers: [
    worker(WK_BEN, "Ben", { attributes: JSON.stringify({ skills: ["sales"], team: "red" }), activity_name: "Break", available: false }),
    worker(WK_ADA, "Ada", { attributes: JSON.stringify({ skills: ["billing"], languages: ["ar"], team: "blue", level: 3 }) }),
  ],
});

const session: DesktopSession = {
  user: { sid: "US1", email: "sup@x.test", name: "Sue", role: "supervisor", workspaceSid: WS, workerSid: null },
  token: () => Promise.resolve("jwt-supervisor"),
};

interface Request {
  method: string;
  url: string;
  body: unknown;
}
let requests: Request[];
let refuse: number | null;
let desktop: Desktop;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  FakeSocket.all = [];
  requests = [];
  refuse = null;
  desktop = createDesktop({ workspaceSid: WS, user: { identity: "sup@x.test", role: "supervisor", workerSid: null } as never });
  setFetch(async (input, init) => {
    const url = String(input);
    requests.push({ method: init?.method ?? "GET", url, body: init?.body ? JSON.parse(String(init.body)) : null });
    if (refuse !== null) return Response.json({ code: 20403, message: "nope", status: refuse }, { status: refuse });
    return Response.json({ sid: "ok" });
  });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Renders the view and lets the token promise resolve so the socket opens. */
async function mount(as: DesktopSession = session) {
  render(
    <DesktopProvider desktop={desktop}>
      <SupervisorView
        session={as}
        WebSocket={FakeSocket as unknown as typeof WebSocket}
        realtimeUrl="ws://sb.test/api/realtime"
        backoff={{ firstDelayMs: 1000, growth: 1, jitter: 0 }}
      />
    </DesktopProvider>,
  );
  await act(async () => {});
  const socket = FakeSocket.all.at(-1)!;
  act(() => socket.open());
  return socket;
}

const rowOf = (name: string) => screen.getByRole("rowheader", { name }).closest("tr")!;

describe("SupervisorView", () => {
  it("connects with the supervisor token and shows the snapshot's agents, alphabetically", async () => {
    const socket = await mount();
    expect(socket.url).toBe("ws://sb.test/api/realtime");
    expect(socket.protocols).toEqual(["token.jwt-supervisor", "switchboard"]);
    expect(screen.getByRole("tabpanel", { name: "Teams" }).textContent).toBe("Loading…");
    act(() => socket.push(snapshot()));
    const table = screen.getByRole("table", { name: /Teams/ });
    const names = within(table)
      .getAllByRole("rowheader")
      .map((cell) => cell.textContent);
    expect(names).toEqual(["Ada", "Ben"]);
    const ada = within(rowOf("Ada"));
    expect(ada.getByText("billing")).toBeTruthy(); // skills without the languages …
    expect(ada.getByText("ar")).toBeTruthy(); // … which have their own column
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((th) => th.textContent),
    ).toContain("Languages");
    expect(ada.getByText("blue")).toBeTruthy();
    expect(ada.getByText("Room: chat 2")).toBeTruthy(); // nothing in hand: where Ada has room, on one line
    expect(ada.getByText("1:05")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("Connected");
  });

  it("ticks time in state every second and applies deltas without a reload", async () => {
    const socket = await mount();
    act(() => socket.push(snapshot()));
    act(() => void vi.advanceTimersByTime(3000));
    expect(within(rowOf("Ada")).getByText("1:08")).toBeTruthy();
    act(() =>
      socket.push({
        type: "supervisor.delta",
        date: "",
        date_ms: T0 + 3000,
        queues: [],
        workers: [
          worker(WK_ADA, "Ada", {
            activity_name: "Busy",
            available: false,
            date_status_changed_ms: T0 + 3000,
            channels: [
              {
                task_channel_sid: TC_CHAT,
                task_channel_unique_name: "chat",
                configured_capacity: 2,
                available: true,
                reserved_tasks: 0,
                assigned_tasks: 2,
              },
            ],
          }),
        ],
        removed_worker_sids: [WK_BEN],
      }),
    );
    const ada = within(rowOf("Ada"));
    expect(ada.getByText("Busy")).toBeTruthy();
    expect(ada.getByText("0:00")).toBeTruthy();
    expect(ada.getByText("chat: 2 of 2")).toBeTruthy();
    expect(screen.queryByRole("rowheader", { name: "Ben" })).toBeNull();
  });

  it.each([
    ["team", "Team", "red", ["Ben"]],
    ["skill", "Skills", "billing", ["Ada"]],
    ["language", "Languages", "ar", ["Ada"]],
    ["activity", "Activity", "Break", ["Ben"]],
    ["nothing (All)", "Team", "", ["Ada", "Ben"]],
  ])("filters by %s", async (_, label, value, expected) => {
    const socket = await mount();
    act(() => socket.push(snapshot()));
    const filter = within(screen.getByRole("group")).getByLabelText(label);
    fireEvent.change(filter, { target: { value } });
    const names = within(screen.getByRole("table", { name: /Teams/ }))
      .getAllByRole("rowheader")
      .map((cell) => cell.textContent);
    expect(names).toEqual(expected);
  });

  it("edits skills and capacity: the REST bodies keep the other attributes", async () => {
    const socket = await mount();
    act(() => socket.push(snapshot()));
    const before = vi.fn();
    desktop.Actions.addListener("beforeUpdateWorkerSkills", before);
    fireEvent.click(within(rowOf("Ada")).getByRole("button", { name: "Edit Ada" }));
    const dialog = screen.getByRole("dialog", { name: "Edit agent Ada" });
    const skills = within(dialog).getByLabelText("Skills", { selector: "input" });
    expect(document.activeElement).toBe(skills);
    fireEvent.change(skills, { target: { value: "billing, refunds, , refunds" } });
    expect(
      within(dialog)
        .getAllByRole("listitem")
        .map((li) => li.firstChild?.textContent),
    ).toEqual(["billing", "refunds"]);
    fireEvent.click(within(dialog).getByRole("button", { name: "Remove skill billing" }));
    fireEvent.change(within(dialog).getByLabelText("Capacity for chat"), { target: { value: "3" } });
    await act(async () => void fireEvent.click(within(dialog).getByRole("button", { name: "Save" })));
    const posts = requests.filter((r) => r.method === "POST");
    expect(posts).toEqual([
      {
        method: "POST",
        url: `/taskrouter/v1/Workspaces/${WS}/Workers/${WK_ADA}`,
        body: { Attributes: JSON.stringify({ skills: ["refunds"], languages: ["ar"], team: "blue", level: 3 }) },
      },
      { method: "POST", url: `/taskrouter/v1/Workspaces/${WS}/Workers/${WK_ADA}/Channels/${TC_CHAT}`, body: { Capacity: 3 } },
    ]);
    expect(before).toHaveBeenCalledOnce();
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("sends nothing when nothing changed, and Escape closes the dialog", async () => {
    const socket = await mount();
    act(() => socket.push(snapshot()));
    fireEvent.click(within(rowOf("Ben")).getByRole("button", { name: "Edit Ben" }));
    await act(async () => void fireEvent.click(screen.getByRole("button", { name: "Save" })));
    expect(requests.filter((r) => r.method === "POST")).toEqual([]);
    fireEvent.click(within(rowOf("Ben")).getByRole("button", { name: "Edit Ben" }));
    fireEvent.keyDown(screen.getByRole("dialog"), { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it.each([
    [403, "Only supervisors and admins can change agents."],
    [404, "This agent or channel no longer exists."],
    [400, "The change was refused. Check the values and try again."],
    [500, "Something went wrong. Try again."],
  ])("shows a %i refusal from the catalog and keeps the dialog open", async (status, message) => {
    const socket = await mount();
    act(() => socket.push(snapshot()));
    refuse = status;
    fireEvent.click(within(rowOf("Ada")).getByRole("button", { name: "Edit Ada" }));
    fireEvent.change(screen.getByLabelText("Capacity for chat"), { target: { value: "5" } });
    await act(async () => void fireEvent.click(screen.getByRole("button", { name: "Save" })));
    expect(screen.getByRole("alert").textContent).toBe(message);
    expect(screen.getByRole("dialog")).toBeTruthy();
  });

  it("Queue Stats: waiting, ticking longest wait, agents, today's figures and service level", async () => {
    const socket = await mount();
    act(() => socket.push(snapshot()));
    await act(async () => {});
    fireEvent.click(screen.getByRole("tab", { name: "Queue Stats" }));
    const cells = () =>
      within(screen.getByRole("table", { name: "Queue Stats" }).querySelector(`tr[data-queue-sid="${WQ}"]`) as HTMLElement)
        .getAllByRole("cell")
        .map((cell) => cell.textContent);
    expect(cells()).toEqual(["3", "0:30", "2", "1", "12 created, 9 accepted, 7 completed", "75% within 30s"]);
    act(() => void vi.advanceTimersByTime(2000));
    expect(cells()[1]).toBe("0:32");
    act(() =>
      socket.push({
        type: "supervisor.delta",
        date: "",
        date_ms: T0 + 2000,
        queues: [queue({ tasks_by_status: { pending: 0, reserved: 0 }, longest_task_waiting_age: 0, total_available_workers: 3 })],
        workers: [],
        removed_worker_sids: [],
      }),
    );
    expect(cells().slice(0, 4)).toEqual(["0", "0:00", "3", "0"]);
    // Today's figures follow the feed: a task created and answered late moves them within the delta.
    const today = { ...queue().today!, tasks_created: 13, tasks_accepted: 10, service_level: 0.7 };
    act(() =>
      socket.push({
        type: "supervisor.delta",
        date: "",
        date_ms: T0 + 3000,
        queues: [queue({ today })],
        workers: [],
        removed_worker_sids: [],
      }),
    );
    expect(cells().slice(4)).toEqual(["13 created, 10 accepted, 7 completed", "70% within 30s"]);
    // Nothing is polled: the feed is the only source, however long the view stays open.
    act(() => void vi.advanceTimersByTime(60_000));
    expect(requests).toEqual([]);
  });

  it.each([
    ["before the first answer of the day", { service_level: null, tasks_accepted: 0 }, "No answers yet"],
    ["a threshold other than 30 s", { service_level: 1, service_level_threshold: 20 }, "100% within 20s"],
  ])("Queue Stats: the service level %s", async (_, change, shown) => {
    const socket = await mount();
    act(() => socket.push({ ...snapshot(), queues: [queue({ today: { ...queue().today!, ...change } })] }));
    fireEvent.click(screen.getByRole("tab", { name: "Queue Stats" }));
    const row = screen.getByRole("table", { name: "Queue Stats" }).querySelector(`tr[data-queue-sid="${WQ}"]`) as HTMLElement;
    expect(within(row).getAllByRole("cell")[5]!.textContent).toBe(shown);
  });

  it("headline tiles: the team's figures and agents by state, each queue's against its thresholds, coloured when crossed", async () => {
    const socket = await mount();
    const billing = queue({
      sid: "WQ" + "b".repeat(32),
      friendly_name: "Billing",
      waiting: 0,
      tasks_by_status: { pending: 0, reserved: 0 },
      longest_task_waiting_age: 0,
      // 3 answered, all within: the team's level is (9 × 0.75 + 3 × 1) / 12 = 0.8125 → 81%
      today: { ...queue().today!, tasks_accepted: 3, service_level: 1 },
      crossed: { waiting: false, longest_wait: false, service_level: false },
    });
    const support = queue({
      waiting: 3,
      thresholds: { sla_seconds: 20, waiting: 2, longest_wait_seconds: 60, service_level_target: 80 },
      crossed: { waiting: true, longest_wait: false, service_level: true },
    });
    const team = {
      agents_by_state: { available: 2, busy: 1, wrapping: 1, away: 1, offline: 3 },
      task_channels: [{ task_channel_sid: "TC1", task_channel_unique_name: "chat" }],
    };
    act(() => socket.push({ ...snapshot(), queues: [support, billing], team }));
    await act(async () => {});
    fireEvent.click(screen.getByRole("tab", { name: "Queue Stats" }));
    const teamRow = screen.getByRole("region", { name: "The team now" });
    const tile = (root: HTMLElement, label: string) => within(root).getByText(label).closest(".sb-tile") as HTMLElement;
    expect([tile(teamRow, "Waiting").textContent, tile(teamRow, "Waiting").dataset.tone]).toEqual(["Waiting3", "error"]);
    expect([tile(teamRow, "Longest wait").textContent, tile(teamRow, "Longest wait").dataset.tone]).toEqual([
      "Longest wait0:30",
      "neutral",
    ]);
    expect(tile(teamRow, "Service level today").textContent).toBe("Service level today81%");
    const states = within(screen.getByRole("list", { name: "Agents by state" })).getAllByRole("listitem");
    expect(states.map((s) => s.textContent)).toEqual(["2Available", "1Busy", "1Wrapping up", "1Away", "3Offline"]);
    const supportCard = within(screen.getByRole("list", { name: "Each queue now" })).getByRole("listitem", { name: "Support" });
    expect(tile(supportCard, "Waiting").dataset.tone).toBe("error");
    expect(tile(supportCard, "Service level today").textContent).toBe("Service level today75%Target 80%");
    expect(tile(supportCard, "Service level today").dataset.tone).toBe("error");
    const billingCard = within(screen.getByRole("list", { name: "Each queue now" })).getByRole("listitem", { name: "Billing" });
    expect(tile(billingCard, "Waiting").dataset.tone).toBe("neutral");
  });

  it("Teams puts a line per channel with tasks, and the channels with room on one line (Twilio's default: every channel on)", async () => {
    const socket = await mount();
    const channel = (name: string, digit: string, extra: Partial<FeedWorker["channels"][number]> = {}) => ({
      task_channel_sid: "TC" + digit.repeat(32),
      task_channel_unique_name: name,
      configured_capacity: 1,
      available: true,
      reserved_tasks: 0,
      assigned_tasks: 0,
      ...extra,
    });
    const ada = worker(WK_ADA, "Ada", {
      channels: [
        channel("chat", "1", { configured_capacity: 2, assigned_tasks: 1 }),
        channel("voice", "2"),
        channel("sms", "3", { available: false }), // switched off: no room
        channel("email", "4", { reserved_tasks: 1 }), // ringing counts as in hand
      ],
    });
    act(() => socket.push({ ...snapshot(), workers: [ada] }));
    await act(async () => {});
    expect(rowLines(WK_ADA)).toEqual(["chat: 1 of 2", "email: 1 of 1", "Room: voice 1"]);
  });

  it("Teams shows only the channels the team uses, and each agent's state as a dot", async () => {
    const socket = await mount();
    const sms = {
      task_channel_sid: "TC" + "7".repeat(32),
      task_channel_unique_name: "sms",
      configured_capacity: 1,
      available: true,
      reserved_tasks: 0,
      assigned_tasks: 0,
    };
    const ada = worker(WK_ADA, "Ada", { state: "busy" });
    const both = { ...ada, channels: [...ada.channels, sms] };
    const team = {
      agents_by_state: { available: 0, busy: 1, wrapping: 0, away: 0, offline: 0 },
      task_channels: [{ task_channel_sid: TC_CHAT, task_channel_unique_name: "chat" }],
    };
    act(() => socket.push({ ...snapshot(), workers: [both], team }));
    await act(async () => {});
    expect(rowLines(WK_ADA)).toEqual(["Room: chat 2"]); // no sms: nobody takes it
    const row = document.querySelector(`tr[data-worker-sid="${WK_ADA}"]`) as HTMLElement;
    expect(row.querySelector(".sb-state-dot")!.getAttribute("data-state")).toBe("busy");
  });

  it("Queue Stats: an agent at full capacity cannot take work now and counts as busy, whatever TaskRouter's available count says", async () => {
    const socket = await mount();
    const member = { task_queue_sids: [WQ] };
    const chat = (assigned: number) => [{ ...worker("", "").channels[0]!, configured_capacity: 2, assigned_tasks: assigned }];
    const ada = (assigned: number) => worker(WK_ADA, "Ada", { ...member, channels: chat(assigned) });
    const workers = [
      ada(2), // Available, both chats taken
      worker(WK_BEN, "Ben", { ...member, activity_name: "Break", available: false }),
      worker("WK" + "6".repeat(32), "Cleo", { ...member, channels: chat(1) }), // Available, room for one more
      worker("WK" + "7".repeat(32), "Dan", { ...member, activity_name: "Offline", available: false }),
      worker("WK" + "8".repeat(32), "Eve", { task_queue_sids: [] }), // ready, but not in this queue
    ];
    act(() => socket.push({ ...snapshot(), queues: [queue({ total_available_workers: 2 })], workers }));
    fireEvent.click(screen.getByRole("tab", { name: "Queue Stats" }));
    const table = screen.getByRole("table", { name: "Queue Stats" });
    const cells = () =>
      within(table.querySelector(`tr[data-queue-sid="${WQ}"]`) as HTMLElement)
        .getAllByRole("cell")
        .map((cell) => cell.textContent);
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((th) => th.textContent)
        .slice(3, 5),
    ).toEqual(["Can take work now", "Agents busy"]);
    // Can take work: Cleo. Busy: Ada (full) and Ben (Break); Dan is Offline. TaskRouter's available count is 2 (Ada, Cleo).
    expect(cells().slice(2, 4)).toEqual(["1", "2"]);
    expect(screen.getByText(/Can take work now: agents in an available activity with room/)).toBeTruthy();
    // Ada finishes a chat: she can take one more.
    act(() =>
      socket.push({ type: "supervisor.delta", date: "", date_ms: T0 + 1000, queues: [], workers: [ada(1)], removed_worker_sids: [] }),
    );
    expect(cells().slice(2, 4)).toEqual(["2", "1"]);
  });

  it("Queue Stats: a feed without today's figures (an older server) shows dashes", async () => {
    const socket = await mount();
    const { today: _today, ...old } = queue();
    act(() => socket.push({ ...snapshot(), queues: [old] }));
    fireEvent.click(screen.getByRole("tab", { name: "Queue Stats" }));
    const row = screen.getByRole("table", { name: "Queue Stats" }).querySelector(`tr[data-queue-sid="${WQ}"]`) as HTMLElement;
    expect(
      within(row)
        .getAllByRole("cell")
        .map((cell) => cell.textContent)
        .slice(4),
    ).toEqual(["—", "—"]);
  });

  it("across regions: labels each agent with their region, folds another region's changes in, and names a region that cannot be reached", async () => {
    const socket = await mount();
    const regional = {
      ...snapshot(),
      workers: [worker(WK_ADA, "Ada", { region: "us-east" }), worker(WK_BEN, "Ben", { region: "eu-ireland" })],
      regions: ["us-east", "eu-ireland"],
      missing_regions: [],
    };
    act(() => socket.push(regional));
    const table = screen.getByRole("table", { name: /Teams/ });
    expect(
      within(table)
        .getAllByRole("rowheader")
        .map((cell) => cell.textContent),
    ).toEqual(["Adain us-east", "Benin eu-ireland"]);
    expect(screen.queryByRole("alert")).toBeNull();

    // eu-ireland's Ben takes a chat; then eu-ireland cannot be reached: Ben leaves the table, the alert names the region.
    const busy = worker(WK_BEN, "Ben", {
      region: "eu-ireland",
      channels: [{ ...worker(WK_BEN, "Ben").channels[0]!, reserved_tasks: 1 }],
    });
    const delta = {
      type: "supervisor.delta",
      date: "",
      date_ms: T0,
      queues: [],
      workers: [busy],
      removed_worker_sids: [],
      missing_regions: [],
    };
    act(() => socket.push(delta));
    expect(within(table).getByText("chat: 1 of 2")).toBeTruthy();
    act(() => socket.push({ ...delta, workers: [], removed_worker_sids: [WK_BEN], missing_regions: ["eu-ireland"] }));
    expect(
      within(table)
        .getAllByRole("rowheader")
        .map((cell) => cell.textContent),
    ).toEqual(["Adain us-east"]);
    expect(screen.getByRole("alert").textContent).toBe(
      "Not shown: eu-ireland cannot be reached. Agents and tasks there are left out until it answers.",
    );
    act(() => socket.push({ ...delta, workers: [worker(WK_BEN, "Ben", { region: "eu-ireland" })] }));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(within(table).getAllByRole("rowheader")).toHaveLength(2);
  });

  it("lets an admin move an agent to another of the workspace's regions, after the other changes; a supervisor sees no such field", async () => {
    const regional = {
      ...snapshot(),
      workers: [worker(WK_ADA, "Ada", { region: "us-east" }), worker(WK_BEN, "Ben", { region: "eu-ireland" })],
      regions: ["us-east", "eu-ireland"],
      missing_regions: [],
    };
    const supervisorSocket = await mount();
    act(() => supervisorSocket.push(regional));
    fireEvent.click(within(screen.getByRole("rowheader", { name: /^Ada/ }).closest("tr")!).getByRole("button", { name: "Edit Ada" }));
    expect(within(screen.getByRole("dialog")).queryByLabelText("Works in region")).toBeNull();
    cleanup();

    const admin: DesktopSession = { ...session, user: { ...session.user, role: "admin" } };
    const socket = await mount(admin);
    act(() => socket.push(regional));
    const moved = vi.fn();
    desktop.Actions.addListener("afterMoveWorker", moved);
    fireEvent.click(within(screen.getByRole("rowheader", { name: /^Ada/ }).closest("tr")!).getByRole("button", { name: "Edit Ada" }));
    const dialog = screen.getByRole("dialog", { name: "Edit agent Ada" });
    const region = within(dialog).getByLabelText("Works in region") as HTMLSelectElement;
    expect([region.value, [...region.options].map((o) => o.value)]).toEqual(["us-east", ["us-east", "eu-ireland"]]);
    fireEvent.change(within(dialog).getByLabelText("Capacity for chat"), { target: { value: "3" } });
    fireEvent.change(region, { target: { value: "eu-ireland" } });
    await act(async () => void fireEvent.click(within(dialog).getByRole("button", { name: "Save" })));
    expect(requests.filter((r) => r.method === "POST").map((r) => [r.url, r.body])).toEqual([
      [`/taskrouter/v1/Workspaces/${WS}/Workers/${WK_ADA}/Channels/${TC_CHAT}`, { Capacity: 3 }],
      [`/taskrouter/v1/Workspaces/${WS}/Workers/${WK_ADA}`, { Region: "eu-ireland" }],
    ]);
    expect(moved).toHaveBeenCalledOnce();
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("shows no region labels for a workspace of one region", async () => {
    const socket = await mount();
    act(() => socket.push({ ...snapshot(), regions: ["us-east"], missing_regions: [] }));
    expect(screen.getAllByRole("rowheader").map((cell) => cell.textContent)).toEqual(["Ada", "Ben"]);
  });

  it("tabs are keyboard-usable with arrow keys", async () => {
    const socket = await mount();
    act(() => socket.push(snapshot()));
    const teams = screen.getByRole("tab", { name: "Teams" });
    teams.focus();
    fireEvent.keyDown(teams, { key: "ArrowRight" });
    const queues = screen.getByRole("tab", { name: "Queue Stats" });
    expect(queues.getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(queues);
    fireEvent.keyDown(queues, { key: "Home" });
    expect(teams.getAttribute("aria-selected")).toBe("true");
  });

  it("reconnects after a drop, shows it, and starts over from the new snapshot", async () => {
    const socket = await mount();
    act(() => socket.push(snapshot()));
    act(() => socket.drop());
    expect(screen.getByRole("status").textContent).toBe("Reconnecting…");
    await act(async () => void vi.advanceTimersByTime(1000));
    expect(FakeSocket.all).toHaveLength(2);
    const next = FakeSocket.all[1]!;
    act(() => next.open());
    act(() => next.push({ ...snapshot(), workers: [worker(WK_BEN, "Ben")] }));
    expect(screen.getByRole("status").textContent).toBe("Connected");
    expect(screen.queryByRole("rowheader", { name: "Ada" })).toBeNull();
    act(() => void vi.advanceTimersByTime(25_000));
    expect(next.sent).toContain("ping");
  });

  it("closes the socket when unmounted", async () => {
    const socket = await mount();
    cleanup();
    expect(socket.closed).toBe(true);
  });

  it("shows plugin columns from the Supervisor.Teams.Columns slot", async () => {
    desktop.Slots.add("Supervisor.Teams.Columns", {
      key: "level",
      component: (props: { header?: boolean; worker?: FeedWorker }) =>
        props.header ? <span>Level</span> : <span>L{String(JSON.parse(props.worker!.attributes).level ?? "-")}</span>,
    });
    const socket = await mount();
    act(() => socket.push(snapshot()));
    expect(screen.getByRole("columnheader", { name: "Level" })).toBeTruthy();
    expect(within(rowOf("Ada")).getByText("L3")).toBeTruthy();
    expect(within(rowOf("Ben")).getByText("L-")).toBeTruthy();
  });

  it("follows the language at run time (Arabic, right-to-left strings)", async () => {
    const socket = await mount();
    act(() => socket.push(snapshot()));
    await act(async () => void desktop.Actions.invokeAction("SetLanguage", { locale: "ar" }));
    expect(screen.getByRole("tab", { name: "الفرق" })).toBeTruthy();
    expect(screen.getByRole("columnheader", { name: "الوكيل" })).toBeTruthy();
  });
});
