/**
 * Users' passwords: how they are hashed, stored and checked. PBKDF2-SHA256 through Web Crypto (the only
 * slow hash Workers offer natively) with a random 16-byte salt and 100 000 iterations — the most the
 * Workers runtime allows — stored as one self-describing string:
 *
 *     pbkdf2-sha256$100000$<salt, base64>$<32-byte hash, base64>
 *
 * Checking never throws on a damaged or tampered string: it answers false. It also costs the same
 * PBKDF2 work when there is no hash to check against (unknown email, SSO-only user), so the time a
 * sign-in takes says nothing about which emails exist. Pure apart from Web Crypto: runs in workerd and
 * in plain Node alike. No password or hash is ever logged here.
 */
import { sameBytes } from "../../platform/constant-time";

export const PBKDF2_ITERATIONS = 100_000;
const SCHEME = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Longer passwords are refused before hashing: PBKDF2 hashes them fine, but nobody types them. */
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_LENGTH = 8;

const encoder = new TextEncoder();

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

function fromBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, HASH_BYTES * 8);
  return new Uint8Array(bits);
}

/**
 * A new hash of `password` with a fresh random salt, in the stored format.
 * @example const stored = await hashPassword("correct horse battery staple"); // "pbkdf2-sha256$100000$…$…"
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return `${SCHEME}$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(await derive(password, salt, PBKDF2_ITERATIONS))}`;
}

interface ParsedHash {
  readonly iterations: number;
  readonly salt: Uint8Array;
  readonly hash: Uint8Array;
}

/** The parts of a stored hash, or null when it is not one this module wrote (or was tampered with). */
export function parsePasswordHash(stored: string): ParsedHash | null {
  const parts = stored.split("$");
  if (parts.length !== 4 || parts[0] !== SCHEME || !/^[1-9]\d{0,5}$/.test(parts[1]!)) return null;
  const iterations = Number(parts[1]);
  // Fewer iterations would make a tampered row cheap to match; more are refused by the Workers runtime.
  if (iterations !== PBKDF2_ITERATIONS) return null;
  const salt = fromBase64(parts[2]!);
  const hash = fromBase64(parts[3]!);
  if (!salt || salt.length !== SALT_BYTES || !hash || hash.length !== HASH_BYTES) return null;
  return { iterations, salt, hash };
}

const DUMMY_SALT = new Uint8Array(SALT_BYTES);

/**
 * Whether `password` matches `stored`. A missing, malformed or tampered `stored` still costs one full
 * PBKDF2 derivation and answers false, so callers can treat "no such user" exactly like "wrong password".
 * @example if (!(await verifyPassword(given, row?.password_hash ?? null))) return unauthorized();
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parsePasswordHash(stored) : null;
  const presented = await derive(password.slice(0, MAX_PASSWORD_LENGTH), parsed?.salt ?? DUMMY_SALT, PBKDF2_ITERATIONS);
  return parsed !== null && password.length <= MAX_PASSWORD_LENGTH && sameBytes(presented, parsed.hash);
}
