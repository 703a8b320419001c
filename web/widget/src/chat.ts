/**
 * The widget's controller: the channel's configuration, the visitor's session (kept in localStorage
 * per channel, so a returning visitor continues their conversation, or reads the last one after it
 * closed), sending with a client ID that makes a resend harmless, the live socket and what its frames
 * change, typing and read receipts. A channel that refuses this site (403: not in its
 * `allowed_origins`) turns the panel into a plain "not available here", asked nothing more. The DOM is
 * ChatView's; the rules are state.ts's and items.ts's.
 */
import { CONVERSATION_SUBPROTOCOL, type ConversationFrame, type MessageRecord } from "../../../contract/conversations";
import type { ConversationSurvey } from "../../../contract/surveys";
import { isWebchatUploadType, WEBCHAT_MAX_UPLOAD_BYTES } from "../../../contract/webchat-uploads";
import type { CallKind } from "../../../contract/calls";
import { HttpError, type ChannelApi, type WidgetConfig } from "./api";
import { callsOf, type CallChunk, type Calls } from "./calls";
import { CONVERSATION_FRAME_TYPES } from "../../../contract/frame-types";
import { backoffDelay, DEFAULT_BACKOFF, ofTypes, reconnectingSocket, type ReconnectingSocket } from "../../socket/reconnecting-socket";
import { timelineItems, type Note } from "./items";
import {
  addPending,
  emptyTimeline,
  isOwn,
  mergeMessages,
  newClientId,
  peopleOf,
  settlePending,
  sinceIndex,
  typingThrottle,
  unsent,
  withParticipant,
  type Person,
  type Timeline,
} from "./state";
import type { Texts } from "./texts";
import type { ChatView } from "./view";

const TYPING_SHOWN_MS = 4_000;

/** Whether the server refused this site (the Origin is not in the channel's allowed_origins). */
const refusesSite = (error: unknown): boolean => error instanceof HttpError && error.status === 403;

export class Chat {
  private token: string | null;
  private visitorId = "";
  private conversationSid: string | null = null;
  private session: Promise<void> | null = null;
  private timeline: Timeline = emptyTimeline;
  private people: Person[] = [];
  private you: string | null = null;
  /** Whether the visitor wrote a message (their echo then replaces the copy being sent). */
  private readonly own = (message: MessageRecord) => isOwn(message, { participantSid: this.you, visitorId: this.visitorId });
  private notes: Note[] = [];
  private greeting: { from: string; text: string } | null = null;
  /** The channel refused this site: nothing more is asked of it. */
  private refused = false;
  private live: ReconnectingSocket | null = null;
  private readonly mayType = typingThrottle();
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private lastReadSent = -1;
  private prechatFields: readonly string[] = [];
  /** The channel's configuration, loading: the first open waits for it (the pre-chat questions are in it). */
  private configured: Promise<void> = Promise.resolve();
  /** An open is waiting for the configuration: a second one changes nothing. */
  private opening = false;
  /** The question of the ended conversation's survey while it waits for an answer. */
  private surveyQuestion: string | null = null;
  private readonly calls: Calls;

  /** `loadCallChunk`: the call panel and livekit-client (widget-call.js), loaded for a call. */
  constructor(
    private readonly api: ChannelApi,
    private readonly view: ChatView,
    private readonly t: Texts,
    private readonly storageKey: string,
    loadCallChunk: () => Promise<CallChunk>,
  ) {
    this.token = read(storageKey);
    this.calls = callsOf({
      api,
      view,
      t,
      loadChunk: loadCallChunk,
      storageKey,
      token: async () => {
        await this.ready();
        return this.token!;
      },
      follow: (sid, token) => {
        if (token) this.renew(token);
        if (sid !== this.conversationSid) this.follow(sid);
      },
      note: (key, text) => {
        this.note(key, text);
        this.render();
      },
    });
    addEventListener("online", () => {
      this.live?.nudge();
      this.flush();
    });
  }

  /** Applies the channel's configuration (the page's data-* overrides already merged in). */
  configure(config: WidgetConfig): void {
    this.view.theme(config.title, config.color, config.text_color);
    this.prechatFields = config.prechat_fields;
    this.greeting = config.greeting ? { from: config.title, text: config.greeting } : null;
    this.render();
  }

  /**
   * Loads the channel's configuration (`overrides`: the page's data-* settings): a refusal of this
   * site shows at once, whatever else fails is logged and the defaults stay.
   */
  load(overrides: (config: WidgetConfig) => WidgetConfig): Promise<void> {
    this.configured = (async () => {
      try {
        this.configure(overrides(await this.api.config()));
      } catch (error) {
        if (refusesSite(error)) this.refuse();
        else console.error("Switchboard widget: the channel's configuration could not be loaded", error);
      }
    })();
    return this.configured;
  }

  /**
   * The first open starts (or resumes) the session — once the configuration has come, so a visitor who
   * opens the chat at once is still asked the channel's pre-chat questions.
   */
  opened(): void {
    if (this.refused) return;
    this.markRead();
    if (this.session !== null || this.opening) return;
    this.opening = true;
    void this.configured.then(() => {
      this.opening = false;
      if (this.refused || this.session !== null) return;
      if (this.token === null && this.prechatFields.length > 0) this.view.askPrechat(this.prechatFields);
      else this.begin();
    });
  }

  prechat(fields: Record<string, string>): void {
    this.session = this.startSession(fields).catch((error: unknown) => {
      this.session = null;
      if (this.refused) return;
      const message = error instanceof Error ? error.message : String(error);
      const field = this.prechatFields.find((f) => message.includes(f)) ?? "";
      this.view.askPrechat(this.prechatFields, { field, message });
    });
  }

  /** Starts a session now; a failure is seen by whoever awaits it next (`ready()`), or shown when it is a refusal. */
  private begin(): void {
    const started = this.startSession({});
    started.catch(() => undefined); // handled by ready(); a refusal already shows
    this.session = started;
  }

  private async startSession(fields: Record<string, string>): Promise<void> {
    let reply;
    try {
      reply = await this.api.session(this.token, fields);
    } catch (error) {
      if (refusesSite(error)) this.refuse();
      throw error;
    }
    this.token = reply.token;
    this.visitorId = reply.visitor_id;
    write(this.storageKey, reply.token);
    this.view.showChat();
    if (reply.conversation_sid) this.follow(reply.conversation_sid);
  }

  send(body: string, mediaSids: readonly string[] = []): void {
    const clientId = newClientId();
    this.timeline = addPending(this.timeline, { clientId, body, mediaSids });
    this.render();
    void this.deliver(clientId);
  }

  retry(clientId: string): void {
    const failed = this.timeline.pending.find((p) => p.clientId === clientId);
    if (!failed) return;
    this.timeline = addPending(this.timeline, failed);
    this.render();
    void this.deliver(clientId);
  }

  async attach(file: File): Promise<void> {
    if (file.size > WEBCHAT_MAX_UPLOAD_BYTES) return this.view.showStatus(this.t.tooLarge);
    if (!isWebchatUploadType(file.type)) return this.view.showStatus(this.t.badType);
    this.view.showStatus(null);
    try {
      await this.ready();
      const media = await this.api.upload(this.token!, file);
      this.send("", [media.sid]);
    } catch (error) {
      this.view.showStatus(error instanceof Error ? error.message : String(error));
    }
  }

  /** Call or Video pressed. */
  startCall(kind: CallKind): void {
    void this.calls.start(kind);
  }

  typing(): void {
    if (this.live?.open && this.mayType(Date.now())) this.live.send({ type: "typing" });
  }

  private async ready(): Promise<void> {
    this.session ??= this.startSession({});
    try {
      await this.session;
    } catch (error) {
      this.session = null; // the next attempt asks again
      throw error;
    }
  }

  /** Sends one pending message; a network failure leaves it pending for the next flush. */
  private async deliver(clientId: string): Promise<void> {
    const pending = this.timeline.pending.find((p) => p.clientId === clientId);
    if (!pending || this.refused) return;
    try {
      await this.ready();
      const reply = await this.api.send(this.token!, { client_id: clientId, body: pending.body, media_sids: pending.mediaSids });
      this.retries = 0;
      this.timeline = settlePending(this.timeline, clientId, { messageSid: reply.message_sid });
      if (reply.token) this.renew(reply.token);
      if (reply.conversation_sid !== this.conversationSid) this.follow(reply.conversation_sid);
    } catch (error) {
      if (this.refused) {
        // The panel says the chat is not available here; nothing is retried.
      } else if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
        // The session is gone (rotated credentials, another channel's token): start a new one. A site the
        // channel refuses is refused again there, and stops.
        this.token = null;
        this.session = null;
        this.scheduleFlush();
      } else if (error instanceof HttpError && error.status < 500 && error.status !== 429) {
        this.timeline = settlePending(this.timeline, clientId, { error: error.message });
      } else {
        this.scheduleFlush();
      }
    }
    this.render();
  }

  /** A renewed session (it names the conversation a message or a call just opened). */
  private renew(token: string): void {
    this.token = token;
    write(this.storageKey, token);
  }

  private flush(): void {
    if (this.refused) return;
    for (const pending of unsent(this.timeline)) void this.deliver(pending.clientId);
  }

  private scheduleFlush(): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.flush();
      },
      backoffDelay(DEFAULT_BACKOFF, this.retries++, Math.random()),
    );
  }

  /** Listens to a conversation (the visitor's open one, or the new one their message started). */
  private follow(conversationSid: string): void {
    if (this.conversationSid !== conversationSid) {
      this.live?.close("closed by the widget");
      this.conversationSid = conversationSid;
      this.timeline = { messages: [], pending: this.timeline.pending };
      this.people = [];
      this.notes = [];
      this.lastReadSent = -1;
      this.view.showSurvey(null);
    }
    // Kept open until the server says the session or the conversation is gone, which the widget handles.
    this.live = reconnectingSocket<ConversationFrame>({
      url: () => this.api.socketUrl(sinceIndex(this.timeline)),
      token: () => this.token ?? "",
      protocols: (token) => [CONVERSATION_SUBPROTOCOL, `token.${token}`],
      parse: ofTypes<ConversationFrame>(CONVERSATION_FRAME_TYPES),
      onFrame: (frame) => this.frame(frame),
      onStatus: (status) => {
        if (status === "online") {
          this.view.showStatus(null);
          this.flush();
        } else if (status === "offline") this.view.showStatus(this.t.offline);
      },
      finalCodes: [4401, 4403, 4404, 1008],
      backoff: DEFAULT_BACKOFF,
      onFinalClose: (code) => {
        this.live = null;
        if (code === 4401 || code === 4403) {
          this.token = null;
          this.begin();
        }
      },
    });
  }

  private frame(frame: ConversationFrame): void {
    switch (frame.type) {
      case "conversation.snapshot":
        this.you = frame.you;
        this.people = peopleOf(frame);
        this.timeline = mergeMessages(this.timeline, frame.messages, this.own);
        if (frame.conversation.state === "closed") this.note("ended", this.t.ended);
        this.showSurvey(frame.conversation.survey);
        this.calls.record(frame.call ?? null); // an older server's snapshot has none
        break;
      case "message.removed":
        this.timeline = { ...this.timeline, messages: this.timeline.messages.filter((m) => m.sid !== frame.message.sid) };
        break;
      case "message.added":
      case "message.updated":
        this.timeline = mergeMessages(this.timeline, [frame.message], this.own);
        if (frame.message.participant_sid !== this.you) this.showTyping(null);
        break;
      case "participant.joined":
      case "participant.updated":
        this.people = withParticipant(this.people, frame.participant);
        break;
      case "participant.left":
        // Kept, marked as gone: their name and what they read stay (items.ts places "… left").
        this.people = withParticipant(this.people, frame.participant, frame.date_left);
        break;
      case "typing":
        if (frame.participantSid !== this.you) this.showTyping(this.t.typing(frame.displayName ?? this.t.agent));
        break;
      case "conversation.updated":
        if (frame.conversation.state === "closed") this.note("ended", this.t.ended);
        this.showSurvey(frame.conversation.survey);
        break;
      case "call.updated":
        this.calls.record(frame.call);
        break;
      case "ack":
      case "error":
        break;
      default:
        frame satisfies never;
    }
    this.markRead();
    this.render();
  }

  /** The ended conversation's survey, while it waits for the visitor's answer; once answered, thanks. */
  private showSurvey(survey: ConversationSurvey | undefined): void {
    if (survey?.status === "answered") this.note("thanks", this.t.thanks);
    this.surveyQuestion = survey?.status === "offered" ? survey.question : null;
    this.view.showSurvey(this.surveyQuestion);
  }

  /** Sends the visitor's answer; a refusal (answered already, too late) is shown in the survey. */
  async answerSurvey(rating: number, comment: string): Promise<void> {
    try {
      await this.ready();
      await this.api.survey(this.token!, { rating, comment: comment === "" ? null : comment });
      this.note("thanks", this.t.thanks);
      this.surveyQuestion = null;
      this.view.showSurvey(null);
    } catch (error) {
      if (this.surveyQuestion !== null) this.view.showSurvey(this.surveyQuestion, error instanceof Error ? error.message : String(error));
    }
    this.render();
  }

  private note(key: string, text: string): void {
    if (this.notes.some((n) => n.key === key)) return;
    this.notes = [...this.notes, { key, text, after: sinceIndex(this.timeline) ?? -1 }];
  }

  private showTyping(text: string | null): void {
    clearTimeout(this.typingTimer);
    this.view.showTyping(text);
    if (text !== null) this.typingTimer = setTimeout(() => this.view.showTyping(null), TYPING_SHOWN_MS);
  }

  /** Tells the agents what the visitor has seen, while the panel is open. */
  private markRead(): void {
    const last = sinceIndex(this.timeline);
    if (!this.view.isOpen || last === null || last <= this.lastReadSent) return;
    if (this.live?.send({ type: "read", index: last })) this.lastReadSent = last;
  }

  /** This site is refused: the panel says so instead of offering a composer whose messages never leave. */
  private refuse(): void {
    if (this.refused) return;
    this.refused = true;
    this.live?.close("closed by the widget");
    clearTimeout(this.retryTimer);
    this.view.showUnavailable(this.t.unavailable);
  }

  private render(): void {
    const token = this.token ?? "";
    this.view.render(
      timelineItems(this.timeline, {
        participants: this.people,
        you: { participantSid: this.you, visitorId: this.visitorId },
        notes: this.notes,
        greeting: this.greeting,
        mediaUrl: (sid) => this.api.mediaUrl(token, sid),
        texts: this.t,
      }),
    );
  }
}

/** localStorage may be unavailable (privacy modes, sandboxed frames): the session then lasts the page. */
function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // see read()
  }
}
