/**
 * Password sign-in over the AccountDO's storage with an injected clock: the per-(email, client) and
 * per-client limits and their windows (a stranger's guesses never lock the real user out), the reset on success, the same refusal for unknown email and wrong password,
 * and the first admin from the environment.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { LOGIN_LIMITS, loginWait } from "../../../durable-objects/account/login-limits";
import { bootstrapAdmin, signIn } from "../../../durable-objects/account/sign-in";
import { createUser, hasAdmin, userRowByEmail } from "../../../durable-objects/account/users";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { hashPassword, verifyPassword } from "../../../durable-objects/account/passwords";
import { accountHost } from "./account-host";

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
const minutes = (n: number) => T0 + n * 60_000;
const WS = "WS" + "1".repeat(32);
const WK = "WK" + "2".repeat(32);
const PASSWORD = "ada-password-1";

let host: StoreHost;
beforeEach(async () => {
  host = accountHost();
  const made = createUser(
    host,
    { email: "Ada@Example.com", role: "agent", workspaceSid: WS, workerSid: WK },
    await hashPassword(PASSWORD),
    T0,
  );
  expect(made.ok).toBe(true);
});

const wrong = (at: number, client = "203.0.113.7", email = "ada@example.com") => signIn(host, email, "nope", client, at);

describe("signIn", () => {
  it("signs in with the right password, whatever the email's case", async () => {
    const outcome = await signIn(host, "  ADA@example.com ", PASSWORD, "local", T0);
    expect(outcome.ok && outcome.user.email).toBe("ada@example.com");
  });

  it("refuses an unknown email and a wrong password alike", async () => {
    expect(await signIn(host, "nobody@example.com", PASSWORD, "local", T0)).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(host, "ada@example.com", "wrong", "local", T0)).toEqual({ ok: false, reason: "invalid" });
  });

  it("allows 5 failures per email from one client in 15 minutes, then refuses that client until the oldest ages out", async () => {
    // Failures at minutes 0, 1, 2, 3, 4: the 6th attempt at minute 5 is refused without hashing.
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndClient; i++) expect(await wrong(minutes(i))).toEqual({ ok: false, reason: "invalid" });
    // The first failure (minute 0) leaves the window at minute 15: from minute 5 that is 600 s.
    expect(await signIn(host, "ada@example.com", PASSWORD, "203.0.113.7", minutes(5))).toEqual({
      ok: false,
      reason: "rate-limited",
      retryAfter: 600,
    });
    // At 14:59 it is still refused (1 s left); at 15:00 the right password works again.
    expect(loginWait(host, "ada@example.com", "203.0.113.7", minutes(15) - 1000)).toBe(1);
    expect((await signIn(host, "ada@example.com", PASSWORD, "203.0.113.7", minutes(15))).ok).toBe(true);
  });

  // About 3 s of PBKDF2 on a loaded 2-core machine.
  it("never locks the real user out for a stranger's guesses from another client", async () => {
    // A stranger at 198.51.100.66 fails 5 times for Ada's email: that client is refused for Ada …
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndClient; i++) await wrong(minutes(0), "198.51.100.66");
    expect(await wrong(minutes(1), "198.51.100.66")).toMatchObject({ reason: "rate-limited" });
    // … while Ada, on her own machine, signs in with her password at once.
    expect(loginWait(host, "ada@example.com", "203.0.113.7", minutes(1))).toBe(0);
    expect((await signIn(host, "ada@example.com", PASSWORD, "203.0.113.7", minutes(1))).ok).toBe(true);
  }, 10_000);

  // 21 PBKDF2 checks: about 4 s on a loaded 2-core machine.
  it("allows 20 failures per client across emails, then refuses that client only", async () => {
    // 20 different unknown emails from one IP: each email has 1 failure, the client 20.
    for (let i = 0; i < LOGIN_LIMITS.perClient; i++) await wrong(minutes(0), "198.51.100.1", `guess${i}@example.com`);
    const refused = await signIn(host, "ada@example.com", PASSWORD, "198.51.100.1", minutes(1));
    // The client's oldest failure (minute 0) leaves at minute 15: 14 minutes from minute 1.
    expect(refused).toEqual({ ok: false, reason: "rate-limited", retryAfter: 14 * 60 });
    expect((await signIn(host, "ada@example.com", PASSWORD, "192.0.2.9", minutes(1))).ok).toBe(true);
  }, 15_000);

  it("counts failures for unknown emails too, so the limit reveals nothing", async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndClient; i++) await wrong(minutes(0), "local", "ghost@example.com");
    expect(await wrong(minutes(0), "local", "ghost@example.com")).toMatchObject({ reason: "rate-limited" });
  });

  it("says a disabled user is disabled only once the password is right", async () => {
    host.sql.exec("UPDATE users SET disabled = 1").toArray();
    expect(await signIn(host, "ada@example.com", "wrong", "local", T0)).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(host, "ada@example.com", PASSWORD, "local", T0)).toEqual({ ok: false, reason: "disabled" });
  });

  it("refuses a user without a password (SSO only)", async () => {
    createUser(host, { email: "sso@example.com", role: "admin" }, null, T0);
    expect(await signIn(host, "sso@example.com", "", "local", T0)).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("bootstrapAdmin", () => {
  it("creates the first admin once, and never overwrites an admin's password", async () => {
    expect(hasAdmin(host)).toBe(false);
    const admin = await bootstrapAdmin(host, "Admin@Example.com", "from-env-1", T0);
    expect(admin).toMatchObject({ email: "admin@example.com", role: "admin", workspace_sid: null, has_password: true });
    expect(await bootstrapAdmin(host, "admin@example.com", "changed-in-env", T0)).toBeNull();
    expect(await verifyPassword("from-env-1", userRowByEmail(host, "admin@example.com")?.password_hash)).toBe(true);
    // Another email in the environment does not add a second admin either.
    expect(await bootstrapAdmin(host, "root@example.com", "x-password", T0)).toBeNull();
  });

  it("never promotes an existing user who has the admin's email", async () => {
    expect(await bootstrapAdmin(host, "ada@example.com", "from-env-1", T0)).toBeNull();
    expect(userRowByEmail(host, "ada@example.com")?.role).toBe("agent");
  });
});
