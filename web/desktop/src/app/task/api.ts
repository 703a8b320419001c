/**
 * The HTTP calls the task canvas makes. Conversation routes (transfer, notes, media upload and download) take
 * the agent's realtime token as a Bearer header; workspace routes (transfer targets, a customer's past
 * conversations) use the session cookie. A failure throws an Error carrying the server's message
 * (Twilio's error body `{ code, message, status }`), which the Actions framework shows as ActionFailed.
 */
import type { ConversationSurvey } from "../../../../../contract/surveys";
import type { DesktopSession } from "../types";
import type { MediaRef } from "./chat-state";

export interface TransferTargets {
  readonly queues: readonly { readonly sid: string; readonly friendly_name: string }[];
  readonly workers: readonly { readonly sid: string; readonly friendly_name: string; readonly available: boolean }[];
}

export interface PastConversation {
  readonly sid: string;
  readonly friendly_name: string | null;
  readonly state: string;
  readonly channel: string | null;
  readonly date_created: string;
  /** How the customer rated it, when they were asked (null: no survey; absent from an older server). */
  readonly survey?: ConversationSurvey | null;
}

/** Reads an error response into an Error with the server's message. */
async function failure(response: Response, what: string): Promise<Error> {
  let message = `${what} failed (HTTP ${response.status})`;
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === "string" && body.message !== "") message = body.message;
  } catch {
    // not JSON: keep the status line
  }
  return new Error(message);
}

/** A POST or GET with the agent's (or supervisor's) realtime token; a failure throws the server's message. */
export async function bearer(session: DesktopSession, path: string, init: RequestInit, what: string): Promise<Response> {
  const token = await session.token();
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  const response = await fetch(path, { ...init, headers });
  if (!response.ok) throw await failure(response, what);
  return response;
}

async function cookie<T>(path: string, what: string): Promise<T> {
  const response = await fetch(path, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (!response.ok) throw await failure(response, what);
  return (await response.json()) as T;
}

export const conversationPath = (conversationSid: string, rest: string): string =>
  `/api/conversations/${encodeURIComponent(conversationSid)}/${rest}`;

/**
 * Uploads a file for a message; send the returned `sid` in `mediaSids`.
 * @example const ref = await uploadMedia(session, "CH…", file); client.send("", [ref.sid]);
 */
export async function uploadMedia(session: DesktopSession, conversationSid: string, file: File): Promise<MediaRef> {
  const path = `${conversationPath(conversationSid, "media")}?filename=${encodeURIComponent(file.name)}`;
  const response = await bearer(
    session,
    path,
    { method: "POST", body: file, headers: { "content-type": file.type || "application/octet-stream" } },
    "Uploading the attachment",
  );
  return (await response.json()) as MediaRef;
}

/**
 * Downloads an attachment with the agent's token into an object URL (revoke it when done).
 * @example img.src = await mediaObjectUrl(session, "WS…", "ME…");
 */
export async function mediaObjectUrl(session: DesktopSession, workspaceSid: string, mediaSid: string): Promise<string> {
  const path = `/api/media/${encodeURIComponent(workspaceSid)}/${encodeURIComponent(mediaSid)}`;
  const response = await bearer(session, path, {}, "Downloading the attachment");
  return URL.createObjectURL(await response.blob());
}

/**
 * Hands the conversation to a queue or another agent.
 * @example await transferConversation(session, "CH…", "queue", "WQ…");
 */
export async function transferConversation(
  session: DesktopSession,
  conversationSid: string,
  targetType: "queue" | "worker",
  targetSid: string,
): Promise<unknown> {
  const body = new URLSearchParams({ TargetType: targetType, TargetSid: targetSid });
  const response = await bearer(session, conversationPath(conversationSid, "transfer"), { method: "POST", body }, "Transfer");
  return response.json();
}

/**
 * Keeps an internal note (staff only) on a conversation the agent handled — their wrap-up notes, written
 * after wrap-up ended their part in it. The same `clientId` answers the same note on a retry.
 * @example await addAgentNote(session, "CH…", "Refund issued", crypto.randomUUID());
 */
export async function addAgentNote(session: DesktopSession, conversationSid: string, body: string, clientId: string): Promise<void> {
  const params = new URLSearchParams({ Body: body, ClientId: clientId });
  await bearer(session, conversationPath(conversationSid, "notes"), { method: "POST", body: params }, "Saving the notes");
}

/** @example const { queues, workers } = await transferTargets("WS…"); */
export const transferTargets = (workspaceSid: string): Promise<TransferTargets> =>
  cookie(`/api/workspaces/${encodeURIComponent(workspaceSid)}/transfer-targets`, "Loading transfer targets");

/** A customer's profile, as the desk shows it: their details and every address they reached the team from. */
export interface CustomerProfile {
  readonly sid: string;
  readonly friendly_name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly addresses: readonly { readonly channel: string; readonly address: string }[];
  /** JSON text of what the team keeps about them. */
  readonly attributes: string;
}

/** @example const profile = await customerProfile("WS…", "PR…"); */
export const customerProfile = (workspaceSid: string, profileSid: string): Promise<CustomerProfile> =>
  cookie(
    `/api/workspaces/${encodeURIComponent(workspaceSid)}/profiles/${encodeURIComponent(profileSid)}`,
    "Loading the customer's profile",
  );

/** @example const past = await pastConversations("WS…", "PR…"); */
export async function pastConversations(workspaceSid: string, profileSid: string): Promise<PastConversation[]> {
  const page = await cookie<{ conversations?: PastConversation[] }>(
    `/api/workspaces/${encodeURIComponent(workspaceSid)}/profiles/${encodeURIComponent(profileSid)}/conversations`,
    "Loading previous conversations",
  );
  return page.conversations ?? [];
}
