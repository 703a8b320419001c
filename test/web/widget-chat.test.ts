/**
 * The web chat widget's controller and DOM together, in happy-dom with a fake channel API: a site the
 * channel does not allow gets a clear "not available here" instead of a composer whose messages never
 * leave "Sending…"; the attach button and file picker name exactly what the server accepts; the
 * greeting is the team's first message; the ended conversation's satisfaction survey is shown from its
 * frame, answered with a rating and a comment, and thanked for; a message whose echo beats its POST's
 * answer (a flow answering it first) shows once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WEBCHAT_UPLOAD_TYPES } from "../../contract/webchat-uploads";
import { HttpError, type WidgetConfig } from "../../web/widget/src/api";
import { texts } from "../../web/widget/src/texts";
import type { ConversationRecord } from "../../contract/conversations";
import type { ConversationSurvey } from "../../contract/surveys";
import { FakeWebSocket } from "./app-fakes";
import { fakeApi, mount, settle, visitor } from "./widget-fakes";
import surveyGolden from "../unit/contract/golden/conversation-survey-frames.json";
import { message } from "../unit/webchat/fixtures";

const refused = () => Promise.reject(new HttpError(403, "Origin https://elsewhere.example is not in this channel's allowed_origins"));

beforeEach(() => localStorage.clear());
afterEach(() => {
  document.body.replaceChildren();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("on a site the channel does not allow", () => {
  it("says the chat is not available here, with no composer, as soon as the configuration is refused", async () => {
    const api = fakeApi({ config: vi.fn(refused), session: vi.fn(refused) });
    const { chat, view, $, visible } = mount(api);
    await chat.load((config) => config);
    view.open();
    await settle();
    expect($(".unavailable")?.textContent).toBe(texts.unavailable);
    expect(visible(".unavailable")).toBe(true);
    expect(visible("form.compose")).toBe(false);
    expect(api.session).not.toHaveBeenCalled(); // nothing more is asked of a channel that refused this site
  });

  it("turns a message sent before the refusal into the same error, not a bubble stuck at Sending…", async () => {
    const api = fakeApi({ session: vi.fn(refused) });
    const { chat, view, visible } = mount(api);
    await chat.load((config) => config);
    view.open();
    chat.send("Hello?");
    await settle();
    await settle();
    expect(visible(".unavailable")).toBe(true);
    expect(visible(".log")).toBe(false); // no bubble left at "Sending…"
    expect(visible("form.compose")).toBe(false);
    expect(api.send).not.toHaveBeenCalled();
    await settle();
    expect(api.session).toHaveBeenCalledTimes(1); // refused once: never retried in a loop
  });
});

describe("the pre-chat questions", () => {
  it("are asked of a visitor who opens the chat before the channel's configuration has come", async () => {
    let answer: (config: WidgetConfig) => void = () => undefined;
    const slow = new Promise<WidgetConfig>((resolve) => (answer = resolve));
    const api = fakeApi({ config: vi.fn(() => slow) });
    const { chat, view, $ } = mount(api);
    const loading = chat.load((config) => config);
    view.open();
    view.open();
    await settle();
    expect(api.session).not.toHaveBeenCalled(); // no session before the questions are known
    answer({ title: "Shop support", greeting: "", color: "#000000", text_color: "#ffffff", prechat_fields: ["name"] });
    await loading;
    await settle();
    expect($("form.prechat input")?.getAttribute("name")).toBe("name");
    expect(api.session).not.toHaveBeenCalled();
  });
});

describe("attachments", () => {
  it("offers exactly the types the upload route accepts, and says so on the button", () => {
    const { $ } = mount(fakeApi());
    expect($<HTMLInputElement>("input[type=file]")?.accept.split(",")).toEqual([...WEBCHAT_UPLOAD_TYPES]);
    const button = $<HTMLButtonElement>("button.attach")!;
    expect(button.getAttribute("aria-label")).toBe(texts.attach);
    expect(texts.attach).toMatch(/image.*PDF.*text.*10 MB/);
  });

  it.each([
    ["a plain text file", "notes.txt", "text/plain", true],
    ["a PNG", "shot.png", "image/png", true],
    ["an SVG (it can carry script)", "logo.svg", "image/svg+xml", false],
    ["a Word document", "cv.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false],
  ])("%s (%s): accepted %s", async (_, name, type, accepted) => {
    const api = fakeApi({ upload: vi.fn(async () => ({ sid: "ME1", content_type: type, filename: name, size: 3 })) });
    const { chat, $ } = mount(api);
    await chat.load((config) => config);
    await chat.attach(new File(["abc"], name, { type }));
    expect(vi.mocked(api.upload).mock.calls.length).toBe(accepted ? 1 : 0);
    expect($(".status")?.textContent).toBe(accepted ? "" : texts.badType);
  });
});

describe("a message a flow answers before its POST returns", () => {
  it("shows once, Sent, when the conversation's echo comes while the POST still waits (a hand-off)", async () => {
    let answer!: (reply: { conversation_sid: string; message_sid: string }) => void;
    const send = vi.fn(() => new Promise<{ conversation_sid: string; message_sid: string }>((resolve) => (answer = resolve)));
    const { chat, root } = await visitor(fakeApi({ send }));
    FakeWebSocket.last.receive({
      type: "conversation.snapshot",
      conversation: { sid: "CH1", state: "active" },
      participants: [],
      past_participants: [],
      messages: [],
      you: "MB1",
    });
    chat.send("My order number is A-1001");
    await settle();
    const stored = { ...message(0, { body: "My order number is A-1001", participant_sid: "MB1" }), conversation_sid: "CH1" };
    FakeWebSocket.last.receive({ type: "message.added", message: stored });
    const bubbles = () => Array.from(root.querySelectorAll(".log .msg.own"), (m) => m.textContent);
    expect(bubbles()).toEqual(["My order number is A-1001✓ Sent"]); // not beside a second one at "Sending…"
    answer({ conversation_sid: "CH1", message_sid: stored.sid });
    await settle();
    expect(bubbles()).toEqual(["My order number is A-1001✓ Sent"]);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe("the greeting", () => {
  it("is the team's first message, named with the widget's title", async () => {
    const { chat, $ } = mount(fakeApi());
    await chat.load((config) => config);
    const first = $<HTMLElement>(".log")!.firstElementChild as HTMLElement;
    expect(first.className).toBe("msg");
    expect(first.querySelector(".who")?.textContent).toBe("Shop support");
    expect(first.textContent).toContain("Hi! Ask us anything.");
  });
});

describe("the satisfaction survey of a conversation that ended", () => {
  const survey = (overrides: Partial<ConversationSurvey> = {}): ConversationSurvey => ({
    status: "offered",
    question: "How did we do?",
    via: "web",
    rating: null,
    comment: null,
    date_offered: "2026-12-06T10:00:00Z",
    date_expires: "2026-12-07T10:00:00Z",
    date_answered: null,
    ...overrides,
  });
  const conversation = (state: ConversationRecord["state"], offered?: ConversationSurvey) =>
    ({ sid: "CH1", state, ...(offered ? { survey: offered } : {}) }) as ConversationRecord;
  const snapshot = (record: ConversationRecord) => ({
    type: "conversation.snapshot",
    conversation: record,
    participants: [],
    past_participants: [],
    messages: [],
    you: "MB1",
  });

  it("is not shown while the conversation is open, then shows the question with 1–5 and a comment once it ends", async () => {
    const { visible, $, root } = await visitor();
    FakeWebSocket.last.receive(snapshot(conversation("active")));
    expect(visible("form.survey")).toBe(false);
    FakeWebSocket.last.receive({ type: "conversation.updated", conversation: conversation("closed", survey()) });
    expect(visible("form.survey")).toBe(true);
    expect($("form.survey p")?.textContent).toBe("How did we do?");
    const buttons = Array.from(root.querySelectorAll<HTMLButtonElement>("button.rate"));
    expect(buttons.map((b) => [b.textContent, b.getAttribute("aria-label")])).toEqual([1, 2, 3, 4, 5].map((n) => [String(n), `${n} of 5`]));
    expect($<HTMLTextAreaElement>("form.survey textarea")?.getAttribute("aria-label")).toBe(texts.comment);
  });

  it("sends the rating chosen and the comment, then thanks the visitor instead of asking again", async () => {
    const { $, root, api, visible } = await visitor();
    FakeWebSocket.last.receive(snapshot(conversation("closed", survey())));
    const four = root.querySelector<HTMLButtonElement>('button.rate[data-rating="4"]')!;
    four.click();
    expect(four.getAttribute("aria-pressed")).toBe("true");
    $<HTMLTextAreaElement>("form.survey textarea")!.value = "  Quick and kind ";
    $<HTMLButtonElement>("form.survey button[type=submit]")!.click();
    await settle();
    await settle();
    expect(api.survey).toHaveBeenCalledWith("t", { rating: 4, comment: "Quick and kind" });
    expect(visible("form.survey")).toBe(false);
    expect($(".log")?.textContent).toContain(texts.thanks);
  });

  it("asks for a rating before sending anything, and shows the server's refusal in the survey", async () => {
    const api = fakeApi({ survey: vi.fn(async () => Promise.reject(new HttpError(409, "The survey was answered already"))) });
    const { $, root } = await visitor(api);
    FakeWebSocket.last.receive(snapshot(conversation("closed", survey())));
    $<HTMLButtonElement>("form.survey button[type=submit]")!.click();
    await settle();
    expect(api.survey).not.toHaveBeenCalled();
    expect($("form.survey .error")?.textContent).toBe(texts.pickRating);
    root.querySelector<HTMLButtonElement>('button.rate[data-rating="2"]')!.click();
    $<HTMLButtonElement>("form.survey button[type=submit]")!.click();
    await settle();
    await settle();
    expect($("form.survey .error")?.textContent).toBe("The survey was answered already");
    expect($("form.survey p")?.textContent).toBe("How did we do?");
  });

  it("takes the golden survey frames: the question when offered, thanks once answered", async () => {
    const { visible, $ } = await visitor();
    FakeWebSocket.last.receive(surveyGolden.offered);
    expect(visible("form.survey")).toBe(true);
    expect($("form.survey p")?.textContent).toBe("How did we do?");
    FakeWebSocket.last.receive(surveyGolden.answered);
    expect(visible("form.survey")).toBe(false);
    expect($(".log")?.textContent).toContain(texts.thanks);
  });

  it("a survey answered already (from another tab) is thanked for, not asked", async () => {
    const { visible, $ } = await visitor();
    FakeWebSocket.last.receive(snapshot(conversation("closed", survey({ status: "answered", rating: 5 }))));
    expect(visible("form.survey")).toBe(false);
    expect($(".log")?.textContent).toContain(texts.thanks);
  });
});
