/**
 * What the widget's happy-dom tests share (widget-chat.test.ts, widget-calls.test.ts): a channel API
 * whose answers the test decides (nothing reaches a network), the widget mounted in a Shadow DOM with
 * its controller, and a returning visitor whose conversation's socket is open on a fake.
 */
import { vi } from "vitest";
import type { ChannelApi, WidgetConfig } from "../../web/widget/src/api";
import type { CallChunk } from "../../web/widget/src/calls";
import { Chat } from "../../web/widget/src/chat";
import { texts } from "../../web/widget/src/texts";
import { ChatView } from "../../web/widget/src/view";
import { asWebSocket, FakeWebSocket } from "./app-fakes";

export const CONFIG: WidgetConfig = {
  title: "Shop support",
  greeting: "Hi! Ask us anything.",
  color: "#0a7d4f",
  text_color: "#fff",
  prechat_fields: [],
};

/** A channel API whose calls the test decides; nothing reaches a network. */
export function fakeApi(overrides: Partial<ChannelApi> = {}): ChannelApi {
  return {
    config: vi.fn(async () => CONFIG),
    session: vi.fn(async () => ({ token: "t", visitor_id: "WV1", conversation_sid: null, expires_at: "2099-01-01T00:00:00Z" })),
    send: vi.fn(async () => ({ conversation_sid: "CH1", message_sid: "IM1" })),
    upload: vi.fn(),
    survey: vi.fn(async () => ({ conversation_sid: "CH1" })),
    startCall: vi.fn(),
    hangUp: vi.fn(),
    mediaToken: vi.fn(),
    mediaUrl: (_token, sid) => `https://sb.example/media/${sid}`,
    socketUrl: () => "wss://sb.example/socket",
    ...overrides,
  };
}

/**
 * The widget in a Shadow DOM on `api`; `loadCallChunk` is how it loads its call chunk (never, unless told).
 * Answers the controller, the view, the shadow root and two finders.
 */
export function mount(api: ChannelApi, loadCallChunk: () => Promise<CallChunk> = () => Promise.reject(new Error("no call chunk here"))) {
  const host = document.createElement("div");
  document.body.append(host);
  const root = host.attachShadow({ mode: "open" });
  let chat: Chat | null = null;
  const view = new ChatView(root, texts, {
    onOpen: () => chat?.opened(),
    onSend: (body) => chat?.send(body),
    onTyping: () => undefined,
    onAttach: (file) => void chat?.attach(file),
    onPrechat: (fields) => chat?.prechat(fields),
    onRetry: (clientId) => chat?.retry(clientId),
    onSurvey: (rating, comment) => void chat?.answerSurvey(rating, comment),
    onCall: (kind) => chat?.startCall(kind),
  });
  chat = new Chat(api, view, texts, "switchboard.webchat.test", loadCallChunk);
  const $ = <E extends Element>(selector: string) => root.querySelector<E>(selector);
  const visible = (selector: string) => {
    const el = $<HTMLElement>(selector);
    return el !== null && !el.closest("[hidden]");
  };
  return { chat, view, root, $, visible };
}

/** Lets the fake API's promises settle. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A returning visitor whose session names conversation CH1, the panel open, its socket open on a fake. */
export async function visitor(api = fakeApi(), loadCallChunk?: () => Promise<CallChunk>) {
  vi.stubGlobal("WebSocket", asWebSocket);
  FakeWebSocket.reset();
  localStorage.setItem("switchboard.webchat.test", "t");
  vi.mocked(api.session).mockResolvedValue({ token: "t", visitor_id: "WV1", conversation_sid: "CH1", expires_at: "2099-01-01T00:00:00Z" });
  const mounted = mount(api, loadCallChunk);
  await mounted.chat.load((config) => config);
  mounted.view.open();
  await settle();
  await settle();
  return { ...mounted, api };
}
