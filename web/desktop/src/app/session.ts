/**
 * The signed-in user: sign-in with email/password or an SSO token (both set the HttpOnly `sb_session`
 * cookie, so script never sees a credential), `GET /api/auth/me` → a `DesktopSession`, sign-out (this
 * session, or every session of the user: "sign out everywhere"), and the realtime token for sockets
 * (`POST /api/auth/token`), cached until a minute before it expires.
 */
import { api, HttpError } from "./api";
import type { DesktopSession } from "./types";

/** The user as the server returns it (durable-objects/account/users.ts `UserRecord`). */
export interface UserRecord {
  sid: string;
  email: string;
  friendly_name: string;
  role: "agent" | "supervisor" | "admin";
  workspace_sid: string | null;
  worker_sid: string | null;
}

/** What `/api/auth/me` answers besides the user: the workspace and the agent's worker. */
export interface MeResponse {
  user: UserRecord;
  workspace: {
    sid: string;
    default_activity_sid: string | null;
    default_activity_name: string | null;
    /** Where the workspace keeps its data, when pinned (README, "Data residency"); absent from an older server. */
    jurisdiction?: "eu" | "fedramp" | null;
  } | null;
  worker: { sid: string; friendly_name: string; activity_sid: string; activity_name: string; available: boolean } | null;
}

interface TokenResponse {
  token: string;
  expires_at: string;
}

/** The token is refreshed this long before it expires. */
export const TOKEN_MARGIN_MS = 60_000;

/** Signs in with email and password; rejects with an HttpError (401 credentials, 429 with `retryAfter`). */
export async function signIn(email: string, password: string): Promise<void> {
  await api("POST", "/api/auth/login", { email, password });
}

/** Signs in with a JWT the team's backend signed (`?sso=<jwt>`). */
export async function signInWithSso(token: string): Promise<void> {
  await api("POST", "/api/auth/sso", { token });
}

export async function signOut(): Promise<void> {
  await api("POST", "/api/auth/logout");
}

/** Ends every session of the user — other browsers and devices too — and closes their live connections. */
export async function signOutEverywhere(): Promise<void> {
  await api("POST", "/api/auth/logout-all");
}

/**
 * Called when the server refuses a token to this session (401: signed out elsewhere, the user disabled
 * or removed; 403: the role or the linked worker no longer allows the view): the desktop goes back to
 * sign-in instead of retrying a connection that can never come back.
 */
export type SessionEnded = () => void;

/**
 * The current session, or null when not signed in (401).
 * @example const session = await loadSession(); if (!session) showSignIn();
 */
export async function loadSession(
  now: () => number = Date.now,
  onEnded?: SessionEnded,
): Promise<{ session: DesktopSession; me: MeResponse } | null> {
  let me: MeResponse;
  try {
    me = await api<MeResponse>("GET", "/api/auth/me");
  } catch (error) {
    if ((error as { status?: number }).status === 401) return null;
    throw error;
  }
  return { session: sessionOf(me.user, now, undefined, onEnded), me };
}

/** Which live connection a token is for: the agent's own channel, or the supervisors' feed. */
export type TokenView = "agent" | "supervisor";

/**
 * A `DesktopSession` for a user, with the cached token getter. The token serves `view` (default: agents
 * their channel, supervisors and admins the feed) — a supervisor linked to a worker needs one of each.
 */
export function sessionOf(user: UserRecord, now: () => number = Date.now, view?: TokenView, onEnded?: SessionEnded): DesktopSession {
  const asked = view ?? (user.role === "agent" ? "agent" : "supervisor");
  let cached: { token: string; expiresAt: number } | null = null;
  let pending: Promise<string> | null = null;
  const token = async (fresh = false): Promise<string> => {
    if (fresh) cached = null;
    if (cached && cached.expiresAt - TOKEN_MARGIN_MS > now()) return cached.token;
    pending ??= api<TokenResponse>("POST", "/api/auth/token", {
      ...(user.workspace_sid ? { WorkspaceSid: user.workspace_sid } : {}),
      View: asked,
    })
      .then((minted) => {
        cached = { token: minted.token, expiresAt: Date.parse(minted.expires_at) };
        return minted.token;
      })
      .catch((error: unknown) => {
        if (error instanceof HttpError && (error.status === 401 || error.status === 403)) onEnded?.();
        throw error;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
  return {
    user: Object.freeze({
      sid: user.sid,
      email: user.email,
      name: user.friendly_name || user.email,
      role: user.role,
      workspaceSid: user.workspace_sid ?? "",
      workerSid: user.worker_sid,
    }),
    token,
  };
}
