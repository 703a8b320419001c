/**
 * What the agent sees of self-service (issue 16): the rules that read `attributes.self_service` (lenient,
 * zod-free: a malformed field is dropped, never a broken canvas), a sentiment as a word, a confidence as
 * a percentage; the Self-service panel beside the customer's card (flow, intent and how sure, mood in
 * words with a face, the collected variables, the transcript collapsed to its last lines until expanded,
 * nothing at all for a task no flow handed over); and the ringing card's intent badge.
 */
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SelfServiceContext } from "../../contract/self-service";
import { IncomingPanel } from "../../web/desktop/src/app/agent/incoming-panel";
import { DesktopProvider } from "../../web/desktop/src/app/desktop-context";
import { confidencePercent, selfServiceOf, sentimentWord, variableRows, visibleLines } from "../../web/desktop/src/app/task/self-service";
import { createDesktop } from "../../web/desktop/src/framework";
import { CH_SID, FakeWebSocket, renderCanvas, stubFetch, task, WK_ME, WS_SID } from "./task-fixtures";

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 9, minute)).toISOString();

/** What a flow's send-to-flex leaves on the task: five lines, the bot sure of "order_status", an unhappy customer. */
const handedOver: SelfServiceContext = {
  flow_sid: "FW" + "a".repeat(32),
  execution_sid: "FN" + "b".repeat(32),
  flow_name: "Support bot",
  transcript: [
    { from: "bot", body: "Hi! How can I help?", at: at(0) },
    { from: "customer", body: "When do you open?", at: at(1) },
    { from: "bot", body: "We open 9–17, Monday to Friday.", at: at(1) },
    { from: "customer", body: "Where is my order? It is late again", at: at(2) },
    { from: "bot", body: "What is your order number?", at: at(2) },
  ],
  intent: "order_status",
  confidence: 0.914,
  variables: { order_number: "A-1001", delivery: { city: "Oslo" } },
  sentiment: -0.6,
};

const withSelfService = (selfService: unknown) =>
  task({ attributes: { conversationSid: CH_SID, name: "Ann Lee", customers: { name: "Ann Lee" }, self_service: selfService } });

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  stubFetch({});
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("reading self_service", () => {
  it("reads a well-formed context as it is", () => {
    expect(selfServiceOf({ self_service: handedOver })).toEqual(handedOver);
  });

  it.each([
    ["no attribute", {}],
    ["a string", { self_service: "FW123" }],
    ["an array", { self_service: [handedOver] }],
    ["null", { self_service: null }],
  ])("%s is no self-service", (_name, attributes) => {
    expect(selfServiceOf(attributes)).toBeNull();
  });

  it("drops what is malformed and clamps what is out of range, keeping the rest", () => {
    const read = selfServiceOf({
      self_service: {
        flow_sid: "FW" + "a".repeat(32),
        flow_name: 42, // not text: the SID stands in
        transcript: [
          { from: "customer", body: "hello", at: at(0) },
          { from: "agent", body: "not a self-service line" },
          { from: "bot", body: 7 },
          "a string",
          { from: "bot", body: "no time" },
        ],
        intent: "",
        confidence: 1.7,
        variables: ["not", "a", "map"],
        sentiment: Number.NaN,
      },
    });
    expect(read).toEqual({
      flow_sid: "FW" + "a".repeat(32),
      execution_sid: "",
      flow_name: "FW" + "a".repeat(32),
      transcript: [
        { from: "customer", body: "hello", at: at(0) },
        { from: "bot", body: "no time", at: "" },
      ],
      intent: null,
      confidence: 1,
      variables: {},
      sentiment: null,
    });
  });

  it("takes the classifier's None for no intent", () => {
    expect(selfServiceOf({ self_service: { ...handedOver, intent: "None", confidence: 0.3 } })).toMatchObject({
      intent: null,
      confidence: 0.3,
    });
  });

  it.each([
    // score → word: ±0.25 is the edge, and it counts as the mood
    [1, "positive"],
    [0.25, "positive"],
    [0.24, "neutral"],
    [0, "neutral"],
    [-0.24, "neutral"],
    [-0.25, "negative"],
    [-1, "negative"],
    [null, null],
  ] as const)("sentiment %s reads as %s", (score, word) => {
    expect(sentimentWord(score)).toBe(word);
  });

  it.each([
    [0.914, "en", "91%"],
    [0.995, "en", "100%"], // rounded, as a person would say it
    [0, "en", "0%"],
    [null, "en", null],
  ] as const)("confidence %s in %s is %s", (confidence, locale, text) => {
    expect(confidencePercent(confidence, locale)).toBe(text);
  });

  it("lists the variables flat and shows the last three lines until expanded", () => {
    expect(variableRows(handedOver.variables)).toEqual([
      { key: "order_number", value: "A-1001" },
      { key: "delivery.city", value: "Oslo" },
    ]);
    expect(visibleLines(handedOver.transcript, false).map((l) => l.body)).toEqual([
      "We open 9–17, Monday to Friday.",
      "Where is my order? It is late again",
      "What is your order number?",
    ]);
    expect(visibleLines(handedOver.transcript, true)).toHaveLength(5);
  });
});

describe("the Self-service panel", () => {
  const panel = () => {
    const pane = screen.getByRole("complementary", { name: "Customer" });
    return within(pane).getByRole("region", { name: "Self-service" });
  };

  it("shows the flow, the intent and how sure the bot was, the mood in words, and what the flow collected", () => {
    renderCanvas({ task: withSelfService(handedOver) });
    const card = panel();
    expect(within(card).getByRole("heading", { level: 3 }).textContent).toBe(" Self-service");
    expect(card.textContent).toContain("Flow: Support bot");
    const facts = card.querySelector<HTMLElement>(".sb-self-service__facts")!;
    const rows = [...facts.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling!.textContent]);
    expect(rows).toEqual([
      ["Intent", "order_status91% sure"],
      ["Mood", " Negative"],
    ]);
    // The mood is a word with a face, in the error tone — never a bare number or colour.
    const mood = within(facts).getByText("Negative", { exact: false });
    expect(mood.getAttribute("data-tone")).toBe("error");
    expect(mood.querySelector("svg")).not.toBeNull();
    expect(card.textContent).not.toContain("-0.6");
    const collected = card.querySelector('dl[aria-label="What the flow collected"]')!;
    expect([...collected.querySelectorAll("dt")].map((dt) => `${dt.textContent}=${dt.nextElementSibling!.textContent}`)).toEqual([
      "order_number=A-1001",
      "delivery.city=Oslo",
    ]);
  });

  it("shows the transcript's last three lines, who said each, and expands to all of it and back", () => {
    renderCanvas({ task: withSelfService(handedOver) });
    const card = panel();
    const transcript = within(card).getByRole("list", { name: "Self-service transcript" });
    const lines = () =>
      within(transcript)
        .getAllByRole("listitem")
        .map((li) => [li.getAttribute("data-from"), li.querySelector("p")!.textContent]);
    expect(lines()).toEqual([
      ["bot", "We open 9–17, Monday to Friday."],
      ["customer", "Where is my order? It is late again"],
      ["bot", "What is your order number?"],
    ]);
    expect(within(transcript).getAllByRole("listitem")[1]!.textContent).toMatch(/^Customer/);
    const more = within(card).getByRole("button", { name: "Show the whole transcript (5 lines)" });
    expect(more.getAttribute("aria-expanded")).toBe("false");
    expect(more.getAttribute("aria-controls")).toBe(transcript.id);
    fireEvent.click(more);
    expect(lines().map(([, body]) => body)).toEqual(handedOver.transcript.map((l) => l.body));
    const less = within(card).getByRole("button", { name: "Show the last lines only" });
    expect(less.getAttribute("aria-expanded")).toBe("true");
    fireEvent.click(less);
    expect(lines()).toHaveLength(3);
  });

  it("says plainly what the bot did not learn: no intent, no mood row without a bot, nothing collected, no messages", () => {
    renderCanvas({
      task: withSelfService({ ...handedOver, intent: null, confidence: null, sentiment: null, variables: {}, transcript: [] }),
    });
    const card = panel();
    const facts = card.querySelector<HTMLElement>(".sb-self-service__facts")!;
    expect([...facts.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling!.textContent])).toEqual([
      ["Intent", "None recognised"],
    ]);
    expect(card.textContent).toContain("Nothing collected.");
    expect(card.textContent).toContain("No messages.");
    expect(within(card).queryByRole("button")).toBeNull();
  });

  it("a short transcript has nothing to expand", () => {
    renderCanvas({ task: withSelfService({ ...handedOver, transcript: handedOver.transcript.slice(0, 3) }) });
    expect(within(panel()).getAllByRole("listitem")).toHaveLength(3);
    expect(within(panel()).queryByRole("button")).toBeNull();
  });

  it.each([
    ["a task no flow handed over", task()],
    ["malformed self_service", withSelfService("yes")],
  ])("is absent for %s", (_name, given) => {
    renderCanvas({ task: given });
    const pane = screen.getByRole("complementary", { name: "Customer" });
    expect(within(pane).queryByRole("region", { name: "Self-service" })).toBeNull();
  });

  it("speaks the agent's language", () => {
    const { desktop } = renderCanvas({ task: withSelfService(handedOver) });
    act(() => desktop.Strings.setLocale("ar"));
    const pane = screen.getByRole("complementary", { name: "العميل" });
    const card = within(pane).getByRole("region", { name: "الخدمة الذاتية" });
    expect(card.textContent).toContain("سلبي");
    expect(card.textContent).toContain("المسار: Support bot");
  });
});

describe("the ringing card", () => {
  const ring = (attributes: Record<string, unknown>) => {
    const desktop = createDesktop({ workspaceSid: WS_SID, user: { identity: WK_ME, role: "agent" }, desktopNotifications: null });
    render(
      <DesktopProvider desktop={desktop}>
        <IncomingPanel pending={[task({ state: "pending", acceptedAt: null, attributes })]} frameAt={{}} />
      </DesktopProvider>,
    );
    return screen.getByRole("group", { name: /^Incoming chat from/ });
  };

  it("shows the intent the bot recognised as a badge", () => {
    const card = ring({ conversationSid: CH_SID, name: "Ann Lee", self_service: handedOver });
    const badge = within(card).getByLabelText("Bot understood: order_status");
    expect(badge.textContent).toBe(" order_status");
    expect(badge.getAttribute("data-tone")).toBe("info");
  });

  it.each([
    ["no self-service", { conversationSid: CH_SID, name: "Ann Lee" }],
    ["no intent recognised", { conversationSid: CH_SID, name: "Ann Lee", self_service: { ...handedOver, intent: null } }],
  ])("shows no badge with %s", (_name, attributes) => {
    const card = ring(attributes);
    expect(within(card).queryByLabelText(/Bot understood/)).toBeNull();
  });
});
