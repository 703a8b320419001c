/**
 * The embeddable web chat widget. A team adds one tag to their site:
 *
 *   <script src="https://switchboard.example/widget.js" data-workspace="WS…" data-channel="XC…" async></script>
 *
 * The API origin is the script's own (override with `data-api`); `data-title`, `data-color`,
 * `data-greeting` and `data-locale` override the channel's settings; `data-identity` carries the JWT the
 * team's backend signs for a signed-in customer (their verified identity). Everything renders in a Shadow DOM
 * on a host element appended to <body>, so the page and the widget cannot restyle each other (it is
 * open, not closed: closing it would keep out test drivers and assistive tools, not a hostile page).
 * Only types come from the server's code: the bundle holds nothing but this folder.
 */
import { channelApi, type WidgetConfig } from "./api";
import type { CallChunk } from "./calls";
import { Chat } from "./chat";
import { textsFor } from "./texts";
import { ChatView } from "./view";

function boot(script: HTMLScriptElement): void {
  const data = script.dataset;
  const workspaceSid = data.workspace;
  const channelSid = data.channel;
  if (!workspaceSid || !channelSid) {
    console.error("Switchboard widget: data-workspace and data-channel are required on the script tag");
    return;
  }
  const origin = data.api ?? new URL(script.src, location.href).origin;
  const t = textsFor(data.locale ?? null);
  const api = channelApi(origin, workspaceSid, channelSid, data.identity ?? null);

  const host = document.createElement("switchboard-chat");
  const root = host.attachShadow({ mode: "open" });
  let chat: Chat | null = null;
  const view = new ChatView(root, t, {
    onOpen: () => chat?.opened(),
    onSend: (body) => chat?.send(body),
    onTyping: () => chat?.typing(),
    onAttach: (file) => void chat?.attach(file),
    onPrechat: (fields) => chat?.prechat(fields),
    onRetry: (clientId) => chat?.retry(clientId),
    onSurvey: (rating, comment) => void chat?.answerSurvey(rating, comment),
    onCall: (kind) => chat?.startCall(kind),
  });
  // The call chunk is served beside widget.js (with CORS: a module import from the team's page is cross-origin).
  const callChunk = new URL("widget-call.js", script.src).href;
  chat = new Chat(api, view, t, `switchboard.webchat.${channelSid}`, () => import(callChunk) as Promise<CallChunk>);
  document.body.append(host);

  const overrides = (config: WidgetConfig): WidgetConfig => ({
    ...config,
    title: data.title ?? config.title,
    color: data.color ?? config.color,
    greeting: data.greeting ?? config.greeting,
  });
  const fallback: WidgetConfig = { title: t.title, greeting: "", color: "#1f6feb", text_color: "#ffffff", prechat_fields: [] };
  chat.configure(overrides(fallback));
  void chat.load(overrides);
}

const script =
  (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>("script[data-channel][src*='widget']");
if (script) {
  if (document.body) boot(script);
  else addEventListener("DOMContentLoaded", () => boot(script), { once: true });
}
