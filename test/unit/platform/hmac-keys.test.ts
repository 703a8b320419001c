/**
 * HMAC keys imported once per secret (platform/hmac-keys.ts): the same key for the same secret and hash,
 * another for another of either, at most MAX_KEYS kept — and signatures made with a kept key are the
 * ones a fresh import makes (Twilio's X-Twilio-Signature, the hex HMAC-SHA256).
 */
import { describe, expect, it } from "vitest";
import { hmacKey, MAX_KEYS } from "../../../platform/hmac-keys";
import { signedPayload, twilioSignature } from "../../../callbacks/signature";
import { hmacSha256Hex } from "../../../platform/constant-time";

describe("an HMAC key", () => {
  it("is imported once per secret and hash", async () => {
    const first = hmacKey("secret-one", "SHA-1");
    expect(hmacKey("secret-one", "SHA-1")).toBe(first);
    expect(hmacKey("secret-one", "SHA-256")).not.toBe(first);
    expect(hmacKey("secret-two", "SHA-1")).not.toBe(first);
    expect((await first).algorithm).toMatchObject({ name: "HMAC", hash: { name: "SHA-1" } });
    expect((await hmacKey("secret-one", "SHA-256")).algorithm).toMatchObject({ name: "HMAC", hash: { name: "SHA-256" } });
  });

  it("keeps at most MAX_KEYS, the least recently used going first", () => {
    const kept = hmacKey("kept", "SHA-256");
    const dropped = hmacKey("dropped", "SHA-256");
    hmacKey("kept", "SHA-256"); // used again: now the most recent of the two
    for (let i = 0; i < MAX_KEYS - 1; i++) hmacKey(`filler-${i}`, "SHA-256");
    expect(hmacKey("kept", "SHA-256")).toBe(kept);
    expect(hmacKey("dropped", "SHA-256")).not.toBe(dropped);
  });

  it("signs as a fresh import does, the first time and every time after", async () => {
    const sign = async (secret: string, hash: "SHA-1" | "SHA-256", data: string) => {
      const fresh = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash }, false, ["sign"]);
      return Buffer.from(await crypto.subtle.sign("HMAC", fresh, new TextEncoder().encode(data)));
    };
    const url = "https://sb.example/webhooks/WS1/XC1";
    const params = { Body: "Hi", From: "+15550001111", To: "+15552223333" };
    const twilio = (await sign("auth-token", "SHA-1", signedPayload(url, params))).toString("base64");
    for (let i = 0; i < 2; i++) expect(await twilioSignature("auth-token", url, params)).toBe(twilio);
    const hex = (await sign("app-secret", "SHA-256", "body")).toString("hex");
    for (let i = 0; i < 2; i++) expect(await hmacSha256Hex("app-secret", "body")).toBe(hex);
  });
});
