/**
 * Password sign-in and the first admin, decided in one place: the rate limit first (no hashing for a
 * refused attempt), then the password — always one PBKDF2 derivation, known email or not — then the
 * user's state. Unknown email and wrong password are the same refusal ("invalid"); a disabled user is
 * told so only once the password is right. Pure apart from Web Crypto, over the AccountDO's storage.
 */
import type { StoreHost } from "../kit/sql-host";
import { hashPassword, verifyPassword } from "./passwords";
import { attemptSucceeded, countAttempt, loginWait } from "./login-limits";
import { createUser, hasAdmin, normalizeEmail, userRecord, userRowByEmail, type UserRecord } from "./users";

export type SignIn =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "disabled" }
  | { ok: false; reason: "rate-limited"; retryAfter: number };

/**
 * Checks `password` for `email`, counting the attempt against the (email, client) pair's and the client's limits.
 * @example const outcome = await signIn(storage, "ada@example.com", "…", "203.0.113.7", Date.now());
 */
export async function signIn(host: StoreHost, email: string, password: string, clientKey: string, now: number): Promise<SignIn> {
  const normalized = normalizeEmail(email);
  const retryAfter = loginWait(host, normalized, clientKey, now);
  if (retryAfter > 0) return { ok: false, reason: "rate-limited", retryAfter };
  const attempt = countAttempt(host, normalized, clientKey, now);
  const row = userRowByEmail(host, normalized);
  const matches = await verifyPassword(password, row?.password_hash ?? null);
  // Read again after the await: the user may have been deleted or disabled while the hash ran.
  const current = userRowByEmail(host, normalized);
  if (!matches || !row || !current || current.password_hash !== row.password_hash) return { ok: false, reason: "invalid" };
  attemptSucceeded(host, attempt);
  if (current.disabled === 1) return { ok: false, reason: "disabled" };
  return { ok: true, user: userRecord(current) };
}

/**
 * Creates the first admin from the environment (`ADMIN_EMAIL`, `ADMIN_PASSWORD`) when the account has
 * no admin at all; otherwise does nothing — an existing admin's password is never overwritten from the
 * environment, and an existing non-admin user with that email is never promoted.
 * @returns the admin created, or null when none was.
 * @example await bootstrapAdmin(storage, env.ADMIN_EMAIL, env.ADMIN_PASSWORD, Date.now())
 */
export async function bootstrapAdmin(host: StoreHost, email: string, password: string, now: number): Promise<UserRecord | null> {
  if (hasAdmin(host) || userRowByEmail(host, email)) return null;
  const hash = await hashPassword(password);
  // Check again after the await: a concurrent sign-in may have made the admin meanwhile.
  if (hasAdmin(host) || userRowByEmail(host, email)) return null;
  const created = createUser(host, { email, friendlyName: "Administrator", role: "admin" }, hash, now);
  return created.ok ? created.value : null;
}
