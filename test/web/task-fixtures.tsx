/**
 * Doubles and builders for the task canvas tests: a fake WebSocket the tests drive frame by frame, a
 * fetch double routed by method and path, conversation records, and a rendered canvas inside a real
 * desktop (createDesktop + registerTaskActions, with WrapupTask/CompleteTask as spies for the shell's).
 */
import { render } from "@testing-library/react";
import { vi } from "vitest";
import type { CallRecord } from "../../contract/calls";
import type { ConversationFrame, MessageRecord, ParticipantRecord } from "../../contract/conversations";
import { DesktopProvider } from "../../web/desktop/src/app/desktop-context";
import { registerTaskActions } from "../../web/desktop/src/app/task/actions";
import { TaskCanvas } from "../../web/desktop/src/app/task/task-canvas";
import type { DesktopSession, DesktopSettings, DesktopTask } from "../../web/desktop/src/app/types";
import { createDesktop, type Desktop } from "../../web/desktop/src/framework";

export const WS_SID = "WS" + "1".repeat(32);
export const CH_SID = "CH" + "2".repeat(32);
export const PR_SID = "PR" + "3".repeat(32);
export const WK_ME = "WK" + "4".repeat(32);
export const MB_AGENT = "MB" + "a".repeat(32);
export const MB_CUSTOMER = "MB" + "c".repeat(32);
export const MB_OTHER = "MB" + "e".repeat(32);

export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static instances: FakeWebSocket[] = [];
  readyState = FakeWebSocket.CONNECTING;
  readonly sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeWebSocket.instances.push(this);
  }
  send(data: string): void {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error("send on a socket that is not open");
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000, reason = ""): void {
    if (this.readyState === FakeWebSocket.CLOSED) return;
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code, reason });
  }
  // ── test side ──
  serverOpen(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.();
  }
  serverSend(frame: ConversationFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  serverClose(code: number, reason = ""): void {
    this.close(code, reason);
  }
  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error("no socket opened yet");
    return socket;
  }
}

const iso = (n: number) => new Date(Date.UTC(2026, 0, 2, 10, n)).toISOString();

export function participant(
  sid: string,
  role: ParticipantRecord["role"],
  name: string,
  extra: Partial<ParticipantRecord> = {},
): ParticipantRecord {
  return {
    sid,
    account_sid: "AC" + "0".repeat(32),
    conversation_sid: CH_SID,
    identity: role === "agent" ? WK_ME : "visitor-1",
    attributes: "{}",
    messaging_binding: null,
    role_sid: null,
    date_created: iso(0),
    date_updated: iso(0),
    last_read_message_index: null,
    last_read_timestamp: null,
    role,
    display_name: name,
    ...extra,
  };
}

export function message(index: number, participantSid: string | null, body: string, extra: Partial<MessageRecord> = {}): MessageRecord {
  return {
    sid: "IM" + String(index).padStart(32, "0"),
    account_sid: "AC" + "0".repeat(32),
    conversation_sid: CH_SID,
    index,
    author: participantSid === MB_CUSTOMER ? "visitor-1" : participantSid === null ? "system" : WK_ME,
    body,
    media: null,
    attributes: "{}",
    participant_sid: participantSid,
    date_created: iso(index),
    date_updated: iso(index),
    delivery: null,
    content_sid: null,
    delivery_status: null,
    delivery_error: null,
    visibility: "all",
    author_role: participantSid === MB_CUSTOMER ? "customer" : participantSid === null ? null : "agent",
    ...extra,
  };
}

export function snapshot(
  messages: MessageRecord[],
  participants = [participant(MB_AGENT, "agent", "Ada"), participant(MB_CUSTOMER, "customer", "Ann")],
  call: CallRecord | null = null,
): ConversationFrame {
  return {
    type: "conversation.snapshot",
    conversation: {
      sid: CH_SID,
      account_sid: "AC" + "0".repeat(32),
      chat_service_sid: "IS" + "0".repeat(32),
      messaging_service_sid: null,
      friendly_name: "Ann",
      unique_name: null,
      attributes: "{}",
      state: "active",
      date_created: iso(0),
      date_updated: iso(0),
      timers: {},
      bindings: null,
      workspace_sid: WS_SID,
      channel: "web",
      channel_sid: null,
      task_sid: "WT" + "5".repeat(32),
    },
    participants,
    past_participants: [],
    messages,
    you: MB_AGENT,
    call,
  };
}

export function task(overrides: Partial<DesktopTask> = {}): DesktopTask {
  return {
    reservationSid: "WR" + "6".repeat(32),
    taskSid: "WT" + "5".repeat(32),
    state: "accepted",
    attributes: {
      conversationSid: CH_SID,
      from: "ann@example.com",
      name: "Ann Lee",
      customers: { profile_sid: PR_SID, name: "Ann Lee", email: "ann@example.com" },
    },
    taskChannel: "chat",
    queueSid: "WQ" + "5".repeat(32),
    queueName: "Support",
    conversationSid: CH_SID,
    createdAt: Date.UTC(2026, 0, 2, 10, 0),
    timeoutAt: null,
    acceptedAt: Date.UTC(2026, 0, 2, 10, 1),
    wrapupEndsAt: null,
    wrappingSince: null,
    ...overrides,
  };
}

/** A call of the fixture's conversation: Ann (the customer) and this agent connected since 00:00:05. */
export function callRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    sid: "CA" + "5".repeat(32),
    conversation_sid: CH_SID,
    room: CH_SID,
    kind: "voice",
    state: "connected",
    started_by: "customer",
    task_sid: "WT" + "5".repeat(32),
    execution_sid: null,
    parties: [
      { identity: "visitor-1", role: "customer", name: "Ann", joined_at: "2026-12-07T00:00:00.000Z" },
      { identity: WK_ME, role: "agent", name: "Ada", joined_at: "2026-12-07T00:00:05.000Z" },
    ],
    estimated_wait_seconds: null,
    recording: "off",
    consult: null,
    date_created: "2026-12-07T00:00:00.000Z",
    date_connected: "2026-12-07T00:00:05.000Z",
    date_ended: null,
    end_reason: null,
    failure: null,
    ...overrides,
  };
}

export const settings: DesktopSettings = {
  crmUrlTemplate: null,
  dispositionCodes: ["Resolved", "Escalated"],
  cannedResponses: [
    { title: "Greeting", body: "Hello! How can I help?" },
    { title: "Goodbye", body: "Thanks for writing in." },
  ],
};

export const session: DesktopSession = {
  user: { sid: "US" + "7".repeat(32), email: "ada@example.com", name: "Ada", role: "agent", workspaceSid: WS_SID, workerSid: WK_ME },
  token: async () => "jwt-token",
};

/** A fetch double: `routes["POST /api/…"]` answers; anything else is a 404 in Twilio's shape. */
export function stubFetch(routes: Record<string, (request: Request) => Response | Promise<Response>>) {
  const calls: Request[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(new URL(String(input instanceof Request ? input.url : input), "http://localhost"), init);
    calls.push(request);
    const url = new URL(request.url);
    const handler = routes[`${request.method} ${url.pathname}`];
    if (handler) return handler(request);
    return Response.json({ code: 20404, message: `no route ${request.method} ${url.pathname}`, status: 404 }, { status: 404 });
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

export interface Rendered {
  desktop: Desktop;
  wrapup: ReturnType<typeof vi.fn>;
  complete: ReturnType<typeof vi.fn>;
  rerender(next: Partial<{ task: DesktopTask; settings: DesktopSettings; active: boolean }>): void;
  unmount(): void;
}

/** Renders one canvas in a real desktop with the task actions registered. */
export function renderCanvas(options: { task?: DesktopTask; settings?: DesktopSettings; active?: boolean } = {}): Rendered {
  const desktop = createDesktop({
    workspaceSid: WS_SID,
    user: { identity: WK_ME, role: "agent", workerSid: WK_ME },
    desktopNotifications: null,
  });
  registerTaskActions(desktop, session);
  const wrapup = vi.fn();
  const complete = vi.fn();
  desktop.Actions.registerAction("WrapupTask", wrapup);
  desktop.Actions.registerAction("CompleteTask", complete);
  let props = { task: options.task ?? task(), settings: options.settings ?? settings, active: options.active ?? true };
  const view = (p: typeof props) => (
    <DesktopProvider desktop={desktop}>
      <TaskCanvas task={p.task} session={session} settings={p.settings} active={p.active} />
    </DesktopProvider>
  );
  const result = render(view(props));
  return {
    desktop,
    wrapup,
    complete,
    rerender(next) {
      props = { ...props, ...next };
      result.rerender(view(props));
    },
    unmount: result.unmount,
  };
}
