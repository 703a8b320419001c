/**
 * The widget's DOM, inside its Shadow DOM: the launcher, the panel (header with the Call and Video
 * buttons, the call bar — the call's state line, its Join / Decline or Rejoin / Hang up, and where the
 * call chunk puts its panel — optional pre-chat form, message log, typing line, composer, or instead of
 * all of it a line saying the chat is not available on this site). It renders what the controller hands it and reports what the visitor
 * does; it holds no conversation state. The log is updated by key, so a screen reader's live region
 * announces only what is new.
 */
import type { CallKind } from "../../../contract/calls";
import { WEBCHAT_UPLOAD_TYPES } from "../../../contract/webchat-uploads";
import type { Item } from "./items";
import { styles } from "./styles";
import type { Texts } from "./texts";
import type { Tick } from "./state";

export interface ViewHandlers {
  readonly onOpen: () => void;
  readonly onSend: (body: string) => void;
  readonly onTyping: () => void;
  readonly onAttach: (file: File) => void;
  readonly onPrechat: (fields: Record<string, string>) => void;
  readonly onRetry: (clientId: string) => void;
  readonly onSurvey: (rating: number, comment: string) => void;
  readonly onCall: (kind: CallKind) => void;
}

type Attrs = Record<string, string | boolean>;

/** A tiny element factory: attributes (true = present) and children. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== false) el.setAttribute(name, value === true ? "" : value);
  el.append(...children);
  return el;
}

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
const CLIP_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M21 11.5l-8.5 8.5a5 5 0 0 1-7-7L14 4.5a3.5 3.5 0 0 1 5 5L10.5 18a2 2 0 0 1-3-3L15 7.5"/></svg>';
const PHONE_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 3h4l2 5-3 2a11 11 0 0 0 6 6l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2"/></svg>';
const VIDEO_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="2" y="6" width="14" height="12" rx="2"/><path d="M16 10l6-4v12l-6-4"/></svg>';
const FIELD_TYPES: Record<string, string> = { email: "email", phone: "tel", name: "text" };

export class ChatView {
  private readonly launcher: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private readonly status: HTMLElement;
  private readonly log: HTMLElement;
  private readonly typing: HTMLElement;
  private readonly compose: HTMLFormElement;
  private readonly input: HTMLTextAreaElement;
  private readonly file: HTMLInputElement;
  private prechat: HTMLFormElement | null = null;
  private unavailable: HTMLElement | null = null;
  private survey: HTMLFormElement | null = null;
  private readonly rendered = new Map<string, { el: HTMLElement; sig: string }>();
  private readonly callStarters: HTMLButtonElement[];
  private readonly callBar: HTMLElement;
  private readonly callLine: HTMLElement;
  private readonly callActions: HTMLElement;
  /** Where the call chunk puts its panel (timer, controls, video). */
  readonly callMount: HTMLElement;

  constructor(
    root: ShadowRoot,
    private readonly t: Texts,
    private readonly on: ViewHandlers,
  ) {
    this.launcher = h("button", { type: "button", class: "launcher", "aria-label": t.open, "aria-expanded": "false" });
    this.launcher.innerHTML = CHAT_ICON;
    this.heading = h("h2", { id: "sb-title" }, t.title);
    const closeButton = h("button", { type: "button", "aria-label": t.close }, "×");
    this.callStarters = (
      [
        ["voice", t.callVoice, PHONE_ICON],
        ["video", t.callVideo, VIDEO_ICON],
      ] as const
    ).map(([kind, label, icon]) => {
      const button = h("button", { type: "button", class: "start-call", "aria-label": label, title: label });
      button.innerHTML = icon;
      button.addEventListener("click", () => on.onCall(kind));
      return button;
    });
    this.callLine = h("p", { role: "status" });
    this.callActions = h("div", { class: "actions" });
    this.callMount = h("div");
    this.callBar = h("div", { class: "callbar", hidden: true }, this.callLine, this.callActions, this.callMount);
    this.status = h("div", { class: "status", role: "status", hidden: true });
    this.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": t.messages, tabindex: "0" });
    this.typing = h("div", { class: "typing", "aria-live": "polite" });
    this.input = h("textarea", { rows: "1", placeholder: t.placeholder, "aria-label": t.placeholder, maxlength: "4000" });
    this.file = h("input", { type: "file", accept: WEBCHAT_UPLOAD_TYPES.join(","), class: "sr", tabindex: "-1", "aria-hidden": "true" });
    const attach = h("button", { type: "button", class: "attach", "aria-label": t.attach, title: t.attach });
    attach.innerHTML = CLIP_ICON;
    this.compose = h("form", { class: "compose" }, attach, this.file, this.input, h("button", { type: "submit", class: "send" }, t.send));
    this.panel = h(
      "section",
      { class: "panel", role: "dialog", "aria-labelledby": "sb-title", hidden: true },
      h("header", {}, this.heading, ...this.callStarters, closeButton),
      this.callBar,
      this.status,
      this.log,
      this.typing,
      this.compose,
    );
    const style = h("style");
    style.textContent = styles;
    root.append(style, h("div", { class: "root" }, this.panel, this.launcher));

    this.launcher.addEventListener("click", () => (this.isOpen ? this.close() : this.open()));
    closeButton.addEventListener("click", () => this.close());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
    this.compose.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => {
      if (this.input.value !== "") on.onTyping();
    });
    attach.addEventListener("click", () => this.file.click());
    this.file.addEventListener("change", () => {
      const chosen = this.file.files?.[0];
      this.file.value = "";
      if (chosen) on.onAttach(chosen);
    });
    this.log.addEventListener("click", (event) => {
      const retry = (event.target as HTMLElement).closest<HTMLElement>("[data-retry]");
      if (retry?.dataset.retry) on.onRetry(retry.dataset.retry);
    });
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  open(): void {
    this.panel.hidden = false;
    this.panel.parentElement!.classList.add("open");
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.setAttribute("aria-label", this.t.close);
    (this.prechat?.querySelector("input") ?? (this.unavailable ? null : this.input))?.focus();
    this.log.scrollTop = this.log.scrollHeight;
    this.on.onOpen();
  }

  close(): void {
    this.panel.hidden = true;
    this.panel.parentElement!.classList.remove("open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.setAttribute("aria-label", this.t.open);
    this.launcher.focus();
  }

  /** The team's title and colours. */
  theme(title: string, color: string, textColor: string): void {
    this.heading.textContent = title;
    const root = this.panel.parentElement!;
    root.style.setProperty("--sb-color", color);
    root.style.setProperty("--sb-text", textColor);
  }

  /** Shows the pre-chat form instead of the composer until it is sent. */
  askPrechat(fields: readonly string[], error: { field: string; message: string } | null = null): void {
    this.prechat?.remove();
    const inputs = fields.map((name) => {
      const input = h("input", { name, type: FIELD_TYPES[name] ?? "text", autocomplete: name === "phone" ? "tel" : name, required: true });
      return h("label", {}, name === "name" || name === "email" || name === "phone" ? this.t[name] : name, input);
    });
    const problem = h("div", { class: "error", role: "alert" }, error?.message ?? "");
    const form = h(
      "form",
      { class: "prechat", novalidate: true },
      ...inputs,
      problem,
      h("button", { type: "submit", class: "send" }, this.t.start),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const values: Record<string, string> = {};
      for (const input of Array.from(form.querySelectorAll("input"))) values[input.name] = input.value.trim();
      this.on.onPrechat(values);
    });
    this.prechat = form;
    this.log.hidden = this.compose.hidden = true;
    this.panel.insertBefore(form, this.typing);
    if (this.isOpen) (form.querySelector<HTMLInputElement>(`[name="${error?.field ?? ""}"]`) ?? form.querySelector("input"))?.focus();
  }

  /** The channel refused this site: one line instead of the form, the log and the composer, for good. */
  showUnavailable(text: string): void {
    this.prechat?.remove();
    this.prechat = null;
    this.log.hidden = this.compose.hidden = this.typing.hidden = this.status.hidden = true;
    this.unavailable ??= this.panel.insertBefore(h("p", { class: "unavailable", role: "alert" }), this.typing);
    this.unavailable.textContent = text;
  }

  /** Back to the conversation once the pre-chat form is taken. */
  showChat(): void {
    if (this.unavailable) return;
    this.prechat?.remove();
    this.prechat = null;
    this.log.hidden = this.compose.hidden = false;
    if (this.isOpen) this.input.focus();
  }

  /**
   * The satisfaction survey of the conversation that ended: its question, 1–5 buttons and a comment,
   * above the composer (writing again still starts a new conversation); null takes it away.
   */
  showSurvey(question: string | null, error = ""): void {
    if (question === null || this.unavailable) {
      this.survey?.remove();
      this.survey = null;
      return;
    }
    if (!this.survey) {
      let rating = 0;
      const buttons = [1, 2, 3, 4, 5].map((n) =>
        h(
          "button",
          { type: "button", class: "rate", "aria-pressed": "false", "aria-label": this.t.rate(n), "data-rating": String(n) },
          String(n),
        ),
      );
      const comment = h("textarea", { rows: "2", maxlength: "1000", placeholder: this.t.comment, "aria-label": this.t.comment });
      const form = h(
        "form",
        { class: "survey" },
        h("p", { id: "sb-survey" }),
        h("div", { class: "rates", role: "group", "aria-labelledby": "sb-survey" }, ...buttons),
        comment,
        h("div", { class: "error", role: "alert" }),
        h("button", { type: "submit", class: "send" }, this.t.sendFeedback),
      );
      for (const button of buttons)
        button.addEventListener("click", () => {
          rating = Number(button.dataset.rating);
          for (const b of buttons) b.setAttribute("aria-pressed", String(b === button));
        });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (rating === 0) this.showSurvey(question, this.t.pickRating);
        else this.on.onSurvey(rating, comment.value.trim());
      });
      this.survey = this.panel.insertBefore(form, this.compose);
    }
    this.survey.querySelector("p")!.textContent = question;
    this.survey.querySelector(".error")!.textContent = error;
  }

  /** Updates the log to `items`, reusing the elements of items that did not change. */
  render(items: readonly Item[]): void {
    const stuck = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    const keep = new Set<string>();
    let at = this.log.firstChild;
    for (const item of items) {
      const sig = JSON.stringify(item);
      let entry = this.rendered.get(item.key);
      if (!entry || entry.sig !== sig) {
        const el = this.element(item);
        if (entry) {
          if (at === entry.el) at = el; // the cursor follows the element it stood on
          entry.el.replaceWith(el);
        }
        entry = { el, sig };
        this.rendered.set(item.key, entry);
      }
      keep.add(item.key);
      if (entry.el === at) at = at.nextSibling;
      else this.log.insertBefore(entry.el, at);
    }
    for (const [key, entry] of this.rendered) {
      if (!keep.has(key)) {
        entry.el.remove();
        this.rendered.delete(key);
      }
    }
    if (stuck) this.log.scrollTop = this.log.scrollHeight;
  }

  private element(item: Item): HTMLElement {
    if (item.kind === "note") return h("div", { class: "note" }, item.text);
    const el = h("div", { class: `msg${item.own ? " own" : ""}${item.tick === "failed" ? " failed" : ""}` });
    if (item.who) el.append(h("span", { class: "who" }, item.who));
    if (item.body) el.append(item.body);
    for (const media of item.media) {
      el.append(
        media.image
          ? h("img", { src: media.url, alt: media.name })
          : h("a", { href: media.url, target: "_blank", rel: "noopener" }, media.name),
      );
    }
    if (item.tick) el.append(h("span", { class: "tick" }, this.tickText(item.tick)));
    if (item.retry) el.append(h("button", { type: "button", "data-retry": item.retry }, this.t.retry));
    return el;
  }

  private tickText(tick: Tick): string {
    return { sending: this.t.sending, sent: `✓ ${this.t.sent}`, read: `✓✓ ${this.t.read}`, failed: this.t.failed }[tick];
  }

  /**
   * The Call and Video buttons: offered, or not now (a call is on); `off` says why calls are off for
   * this team (they stay focusable, so the reason can be read, and a press shows it).
   */
  callButtons(offered: boolean, off: string | null): void {
    for (const button of this.callStarters) {
      button.hidden = !offered;
      button.setAttribute("aria-disabled", String(off !== null));
      button.title = off ?? button.getAttribute("aria-label")!;
    }
  }

  /** The call bar: its state line (announced) and its buttons; a null line with no call panel hides it. */
  showCall(line: string | null, actions: readonly (readonly [label: string, run: () => void])[]): void {
    if (this.callLine.textContent !== (line ?? "")) this.callLine.textContent = line ?? "";
    this.callActions.replaceChildren(
      ...actions.map(([label, run]) => {
        const button = h("button", { type: "button" }, label);
        button.addEventListener("click", run);
        return button;
      }),
    );
    const hadFocus = this.callBar.contains((this.callBar.getRootNode() as ShadowRoot).activeElement);
    this.callBar.hidden = line === null && this.callMount.childElementCount === 0;
    if (hadFocus && this.callBar.hidden && !this.compose.hidden) this.input.focus();
  }

  /** Moves focus into the call's controls once joined. */
  focusCall(): void {
    this.callMount.querySelector("button")?.focus();
  }

  /** "Alex is typing…", or nothing. */
  showTyping(text: string | null): void {
    this.typing.textContent = text ?? "";
  }

  /** A line under the header (reconnecting, a refused file); null hides it. */
  showStatus(text: string | null): void {
    this.status.hidden = text === null;
    this.status.textContent = text ?? "";
  }

  private submit(): void {
    const body = this.input.value.trim();
    if (body === "") return;
    this.input.value = "";
    this.on.onSend(body);
  }
}
