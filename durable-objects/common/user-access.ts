/**
 * Whether a person still may use a live connection opened for them: the one rule the AccountDO applies
 * when a token minted for a user is refreshed or (re)connects, and the Router and Conversation DOs
 * apply to the sockets already open when the AccountDO tells them the user changed. Tokens minted for
 * a user (the desktop's `POST /api/auth/token`) carry a {@link TokenBinding}; tokens a backend minted
 * for a worker with the account's credentials name no user and are never judged here.
 *
 * Pure (zod only), shared by the three objects so that a socket open now and a socket opened later
 * are held to the same rule. Close codes as everywhere on the live channels: 4401 — the user or their
 * sign-in is gone, sign in again; 4403 — the user exists but may no longer use this view.
 */
import { z } from "zod";

/** What a user token was minted for: who, from which sign-in session, and for which view. */
export const tokenBinding = z.object({
  userSid: z.string(),
  sessionSid: z.string(),
  workspaceSid: z.string(),
  /** The token's role: "worker" for an agent's own channel, "supervisor" for the feed or a supervisor's agent view. */
  role: z.enum(["worker", "supervisor", "admin"]),
  workerSid: z.string().optional(),
});
export type TokenBinding = z.infer<typeof tokenBinding>;

/** A user as the rule needs them, or null when they were deleted. */
export interface UserAccess {
  readonly role: "agent" | "supervisor" | "admin";
  readonly workspaceSid: string | null;
  readonly workerSid: string | null;
  readonly disabled: boolean;
  /** The user's sign-in sessions that have not ended. */
  readonly sessions: readonly string[];
}

export interface AccessRefusal {
  readonly code: 4401 | 4403;
  readonly reason: string;
}

/** Who a verified token stands for, as far as the binding goes (the Worker's `RealtimeIdentity` fits). */
export interface BoundIdentity {
  readonly workspaceSid: string;
  readonly role: TokenBinding["role"];
  readonly workerSid?: string | undefined;
  readonly user?: { readonly userSid: string; readonly sessionSid: string } | undefined;
}

/**
 * The binding of a token minted for a user, or undefined for a backend's token (which names no user).
 * @example bindingFor(check.identity) // { userSid: "US…", sessionSid: "SE…", workspaceSid: "WS…", role: "worker", workerSid: "WK…" }
 */
export function bindingFor(identity: BoundIdentity): TokenBinding | undefined {
  if (!identity.user) return undefined;
  return {
    userSid: identity.user.userSid,
    sessionSid: identity.user.sessionSid,
    workspaceSid: identity.workspaceSid,
    role: identity.role,
    ...(identity.workerSid !== undefined ? { workerSid: identity.workerSid } : {}),
  };
}

/** The tag a user's hibernatable sockets carry (`ctx.getWebSockets(userTag(sid))` finds them all). */
export const userTag = (userSid: string): string => `user:${userSid}`;

/**
 * Why `user` may no longer use a connection bound by `binding`, or null when they still may.
 * @example accessRefusal(null, binding) // { code: 4401, reason: "This user was removed: sign in again" }
 */
export function accessRefusal(user: UserAccess | null, binding: TokenBinding): AccessRefusal | null {
  if (user === null) return { code: 4401, reason: "This user was removed: sign in again" };
  if (user.disabled) return { code: 4401, reason: "This user was disabled: ask an admin" };
  if (!user.sessions.includes(binding.sessionSid))
    return { code: 4401, reason: "The sign-in this token came from has ended: sign in again" };
  if (binding.workerSid !== undefined && (user.workerSid !== binding.workerSid || user.workspaceSid !== binding.workspaceSid)) {
    return { code: 4403, reason: `This user is no longer linked to worker ${binding.workerSid}` };
  }
  if (binding.role === "admin" && user.role !== "admin") return { code: 4403, reason: "This user is no longer an admin" };
  if (binding.role !== "worker") {
    if (user.role === "agent") return { code: 4403, reason: "This user is no longer a supervisor" };
    // A supervisor watches their own workspace; an admin any.
    if (user.role === "supervisor" && user.workspaceSid !== binding.workspaceSid) {
      return { code: 4403, reason: `This user no longer supervises workspace ${binding.workspaceSid}` };
    }
  }
  return null;
}

/**
 * Whether a change to a user could take away a connection they hold (their sessions are compared apart).
 * @example accessChanged(before, after) // true when the role, workspace, worker or disabled flag moved
 */
export function accessChanged(before: UserAccess | null, after: UserAccess | null): boolean {
  if (before === null || after === null) return before !== after;
  return (
    before.role !== after.role ||
    before.workspaceSid !== after.workspaceSid ||
    before.workerSid !== after.workerSid ||
    before.disabled !== after.disabled
  );
}
