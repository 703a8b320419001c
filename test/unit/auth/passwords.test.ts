/** Password hashing: the stored format, checking right and wrong passwords, and damaged or tampered hashes. */
import { describe, expect, it } from "vitest";
import { hashPassword, parsePasswordHash, PBKDF2_ITERATIONS, verifyPassword } from "../../../durable-objects/account/passwords";

const PASSWORD = "correct horse battery staple";
const stored = await hashPassword(PASSWORD);
const [scheme, iterations, salt, hash] = stored.split("$") as [string, string, string, string];

/** The same hash with one base64 character of `part` changed (A↔B flips a bit of the decoded bytes). */
const flip = (text: string, at = 5) => text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);

describe("hashPassword", () => {
  it("writes pbkdf2-sha256$100000$<16-byte salt>$<32-byte hash>, salted afresh each time", async () => {
    expect(scheme).toBe("pbkdf2-sha256");
    expect(Number(iterations)).toBe(PBKDF2_ITERATIONS);
    expect(Number(iterations)).toBe(100_000);
    // base64 of 16 bytes is 24 characters (two of padding); of 32 bytes, 44 (one of padding).
    expect(salt).toHaveLength(24);
    expect(hash).toHaveLength(44);
    expect(await hashPassword(PASSWORD)).not.toBe(stored);
    expect(stored).not.toContain(PASSWORD);
  });
});

describe("verifyPassword", () => {
  it.each([
    ["the right password", PASSWORD, true],
    ["a wrong password", "correct horse battery stapler", false],
    ["a different case", PASSWORD.toUpperCase(), false],
    ["the empty string", "", false],
    ["a prefix", PASSWORD.slice(0, -1), false],
  ])("%s → %s", async (_, given, expected) => {
    expect(await verifyPassword(given, stored)).toBe(expected);
  });

  it.each([
    ["no hash (unknown user or SSO-only)", null],
    ["an empty string", ""],
    ["another scheme", stored.replace("pbkdf2-sha256", "pbkdf2-sha1")],
    ["fewer iterations (a cheaper hash planted in the row)", `${scheme}$1$${salt}$${hash}`],
    ["more iterations than Workers allow", `${scheme}$100001$${salt}$${hash}`],
    ["iterations that are not a number", `${scheme}$1e5$${salt}$${hash}`],
    ["a salt that is not base64", `${scheme}$${iterations}$!!!!$${hash}`],
    ["a short salt", `${scheme}$${iterations}$AAAA$${hash}`],
    ["a short hash", `${scheme}$${iterations}$${salt}$${hash.slice(0, 40)}`],
    ["a flipped bit in the hash", `${scheme}$${iterations}$${salt}$${flip(hash)}`],
    ["a flipped bit in the salt", `${scheme}$${iterations}$${flip(salt)}$${hash}`],
    ["an extra field", `${stored}$x`],
  ])("answers false, without throwing, for %s", async (_, damaged) => {
    expect(await verifyPassword(PASSWORD, damaged)).toBe(false);
  });

  it("refuses passwords longer than 1024 characters even if they would match", async () => {
    const long = "x".repeat(1025);
    expect(await verifyPassword(long, await hashPassword(long))).toBe(false);
  });

  it("parses only what it wrote", () => {
    expect(parsePasswordHash(stored)?.iterations).toBe(100_000);
    expect(parsePasswordHash("plain-text-password")).toBeNull();
  });
});
