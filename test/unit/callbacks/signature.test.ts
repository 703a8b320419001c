// X-Twilio-Signature: hand-checked vectors, and agreement with the stock twilio package's validator.
import fc from "fast-check";
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { signedPayload, twilioSignature, validTwilioSignature, type FormParams } from "../../../callbacks/signature";

const AC = "AC" + "1".repeat(32);
const WT = "WT" + "2".repeat(32);

describe("twilioSignature", () => {
  it.each<{ name: string; token: string; url: string; params: FormParams; payload: string; signature: string }>([
    {
      name: "Twilio's documented example",
      token: "12345",
      url: "https://mycompany.com/myapp.php?foo=1&bar=2",
      params: { Digits: "1234", To: "+18005551212", From: "+12349013030", Caller: "+12349013030", CallSid: "CA1234567890ABCDE" },
      // url + CallSidCA1234567890ABCDE + Caller+12349013030 + Digits1234 + From+12349013030 + To+18005551212
      payload:
        "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212",
      // printf '%s' "$payload" | openssl dgst -sha1 -hmac 12345 -binary | base64
      signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
    },
    {
      name: "an event callback, query string signed as it is",
      token: "switchboard-test-token",
      url: "https://hooks.example.com/taskrouter/events?tenant=acme",
      params: { TaskSid: WT, Timestamp: "1700000000", EventType: "task.created", AccountSid: AC },
      // names sorted: AccountSid, EventType, TaskSid, Timestamp
      payload: `https://hooks.example.com/taskrouter/events?tenant=acmeAccountSid${AC}EventTypetask.createdTaskSid${WT}Timestamp1700000000`,
      // printf '%s' "$payload" | openssl dgst -sha1 -hmac switchboard-test-token -binary | base64
      signature: "sZDa1NviLakObysIDAhJc2Us8pM=",
    },
  ])("$name", async ({ token, url, params, payload, signature }) => {
    expect(signedPayload(url, params)).toBe(payload);
    expect(await twilioSignature(token, url, params)).toBe(signature);
    expect(twilio.validateRequest(token, signature, url, params)).toBe(true);
  });

  it("sorts names by UTF-16 code unit, as twilio-node does (capitals before lower case)", () => {
    // "Zeta" (Z = 0x5A) sorts before "alpha" (a = 0x61); localeCompare would put alpha first.
    expect(signedPayload("https://x.test/", { alpha: "1", Zeta: "2" })).toBe("https://x.test/Zeta2alpha1");
  });

  it("signs an empty parameter set as the URL alone", () => {
    expect(signedPayload("https://x.test/cb", {})).toBe("https://x.test/cb");
  });

  // 200 random requests through both implementations: about 9 s on a loaded 2-core machine.
  it("agrees with twilio.validateRequest on any URL, names and values (unicode, empty, JSON)", async () => {
    const params = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name !== "__proto__"),
      fc.oneof(fc.string({ unit: "grapheme" }), fc.json()),
      { maxKeys: 8 },
    );
    await fc.assert(
      fc.asyncProperty(fc.webUrl({ withQueryParameters: true }), params, fc.string({ minLength: 1 }), async (url, p, token) => {
        expect(twilio.validateRequest(token, await twilioSignature(token, url, p), url, p)).toBe(true);
      }),
      { numRuns: 200 },
    );
  }, 30_000);
});

describe("validTwilioSignature", () => {
  const url = "https://hooks.example.com/cb";
  const params = { EventType: "task.created", TaskSid: WT };

  it("accepts its own signature and rejects any change to token, URL, parameters or signature", async () => {
    const signature = await twilioSignature("token", url, params);
    expect(await validTwilioSignature("token", signature, url, params)).toBe(true);
    expect(await validTwilioSignature("other-token", signature, url, params)).toBe(false);
    expect(await validTwilioSignature("token", signature, url + "?x=1", params)).toBe(false);
    expect(await validTwilioSignature("token", signature, url, { ...params, EventType: "task.canceled" })).toBe(false);
    expect(await validTwilioSignature("token", signature.slice(0, -2) + "A=", url, params)).toBe(false);
    expect(await validTwilioSignature("token", "", url, params)).toBe(false);
  });
});
