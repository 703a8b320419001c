/**
 * Who a live connection (an agent's or a supervisor's WebSocket) is, and what it may do: the roles,
 * the operations each role carries, and the identity a verified token resolves to. Pure — no Workers
 * API, no crypto — so the rules read alone and the Router DO, the routes and the tests share them.
 */

export const ROLES = ["worker", "supervisor", "admin"] as const;
export type RealtimeRole = (typeof ROLES)[number];

/** What a worker may do, always to their own reservations, tasks and worker record. */
export const WORKER_OPS = [
  "reservations:accept",
  "reservations:reject",
  "tasks:complete",
  "tasks:wrapup",
  "activity:set",
  "attributes:update",
] as const;

/** What a supervisor may read across the whole workspace. */
export const SUPERVISOR_OPS = ["workers:read", "queues:read", "tasks:read", "reservations:read", "statistics:read"] as const;

/** An admin may do everything in the workspace. */
export const ANY_OP = "*";

/** The person a token was minted for from their sign-in session (the desktop's tokens); none for a backend's. */
export interface TokenUser {
  /** US… */
  userSid: string;
  /** SE…: the sign-in session the token came from; the token stops working when it ends. */
  sessionSid: string;
}

/** The identity a verified token stands for. */
export interface RealtimeIdentity {
  accountSid: string;
  workspaceSid: string;
  role: RealtimeRole;
  /** The worker this connection acts as: always set for role "worker", optional for the others. */
  workerSid?: string;
  ops: readonly string[];
  /** When the token stops being accepted (ms since epoch); a connection should close or refresh by then. */
  expiresAt: number;
  /** Set when the token was minted for a user: every refresh and (re)connect checks the user again. */
  user?: TokenUser;
}

/**
 * A token's verdict, with the WebSocket close code to use when it is refused: 4401 when the token is
 * malformed, forged, expired or issued by a deleted API key (the caller should get a new token);
 * 4403 when it is genuine but grants nothing here (another account, no TaskRouter grant, a role
 * Switchboard does not know).
 */
export type TokenCheck = { ok: true; identity: RealtimeIdentity } | { ok: false; code: 4401 | 4403; reason: string };

export const isRole = (value: unknown): value is RealtimeRole => typeof value === "string" && (ROLES as readonly string[]).includes(value);

/**
 * The operations a role carries. A supervisor who is also a worker (a worker SID in the token) gets
 * the worker's operations too.
 * @example opsFor("supervisor", "WK…") // [...WORKER_OPS, ...SUPERVISOR_OPS]
 */
export function opsFor(role: RealtimeRole, workerSid?: string): readonly string[] {
  switch (role) {
    case "worker":
      return WORKER_OPS;
    case "supervisor":
      return workerSid ? [...WORKER_OPS, ...SUPERVISOR_OPS] : SUPERVISOR_OPS;
    case "admin":
      return [ANY_OP];
    default: {
      const unknownRole: never = role;
      throw new Error(`Unknown role ${String(unknownRole)}`);
    }
  }
}

/**
 * Whether the identity may perform `op`. Worker operations are about the identity's own worker: the
 * caller still checks that the reservation or task belongs to `identity.workerSid`.
 * @example allows(identity, "reservations:accept")
 */
export function allows(identity: Pick<RealtimeIdentity, "ops">, op: string): boolean {
  return identity.ops.includes(ANY_OP) || identity.ops.includes(op);
}
