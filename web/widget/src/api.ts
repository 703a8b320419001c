/**
 * The widget's calls to its channel's public routes (workers/api/webchat.ts): configuration, the
 * visitor's session, sending, answering the survey, uploading, calls (start, hang up, a token to join),
 * and the URLs of media and of the live socket. Errors keep
 * the HTTP status, so the caller tells a refusal (never resent) from a network drop (resent later).
 */
import type { CallKind, CallRecord, MediaToken, StartedCall } from "../../../contract/calls";
import type { MediaRef } from "../../../contract/conversations";

/** What the channel shows (nothing secret). */
export interface WidgetConfig {
  readonly title: string;
  readonly greeting: string;
  readonly color: string;
  readonly text_color: string;
  readonly prechat_fields: readonly string[];
}

export interface SessionReply {
  readonly token: string;
  readonly visitor_id: string;
  readonly conversation_sid: string | null;
  readonly expires_at: string;
}

export interface SendReply {
  readonly conversation_sid: string;
  readonly message_sid: string;
  /** A session naming the conversation the message opened, when the one held named another. */
  readonly token?: string;
}

/** The server answered with an error status: `status` and its message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as (T & { message?: string }) | null;
  if (!response.ok) throw new HttpError(response.status, body?.message ?? `HTTP ${response.status}`);
  return body as T;
}

/**
 * The calls of one channel, from the API origin and the channel's workspace and SID; `identity` is the
 * JWT the team's site signed for a signed-in customer (`data-identity`), sent with every session request.
 * @example const api = channelApi("https://switchboard.example", "WS…", "XC…"); const config = await api.config();
 */
export function channelApi(origin: string, workspaceSid: string, channelSid: string, identity: string | null = null) {
  const base = `${origin.replace(/\/$/, "")}/api/webchat/${encodeURIComponent(workspaceSid)}/${encodeURIComponent(channelSid)}`;
  const json = (token: string | null, body: unknown): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return {
    config: async () => answer<WidgetConfig>(await fetch(`${base}/config`)),
    session: async (token: string | null, fields: Record<string, string>) =>
      answer<SessionReply>(
        await fetch(`${base}/sessions`, json(null, { ...fields, ...(token ? { token } : {}), ...(identity ? { identity } : {}) })),
      ),
    send: async (token: string, message: { client_id: string; body: string; media_sids: readonly string[] }) =>
      answer<SendReply>(await fetch(`${base}/messages`, json(token, message))),
    survey: async (token: string, reply: { rating: number; comment: string | null }) =>
      answer<{ conversation_sid: string }>(await fetch(`${base}/survey`, json(token, reply))),
    upload: async (token: string, file: File) =>
      answer<MediaRef>(
        await fetch(`${base}/media?filename=${encodeURIComponent(file.name)}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": file.type || "application/octet-stream" },
          body: file,
        }),
      ),
    /** `token`: a renewed session, when the call opened a conversation new to the visitor's session. */
    startCall: async (token: string, kind: CallKind) =>
      answer<StartedCall & { token?: string }>(await fetch(`${base}/call`, json(token, { Kind: kind }))),
    hangUp: async (token: string) => answer<CallRecord>(await fetch(`${base}/call/hangup`, json(token, {}))),
    mediaToken: async (token: string) => answer<MediaToken>(await fetch(`${base}/media-token`, json(token, {}))),
    mediaUrl: (token: string, mediaSid: string) => `${base}/media/${encodeURIComponent(mediaSid)}?token=${encodeURIComponent(token)}`,
    socketUrl: (since: number | null) => `${base.replace(/^http/, "ws")}/socket${since === null ? "" : `?since=${since}`}`,
  };
}

export type ChannelApi = ReturnType<typeof channelApi>;
