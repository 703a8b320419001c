/** Which pages may run a channel's widget (`allowed_origins`), worked out by hand per case. */
import { describe, expect, it } from "vitest";
import { corsHeaders, originAllowed, originPolicy } from "../../../workers/api/webchat-origins";

const SELF = "https://sb.example";

describe("allowed_origins", () => {
  it.each([
    // setting, page origin, allowed?
    ["", "https://shop.example", false], // nothing set: only Switchboard's own pages
    ["", SELF, true],
    [undefined, "https://shop.example", false],
    ["*", "https://anything.example", true],
    ["https://shop.example", "https://shop.example", true],
    ["https://shop.example/", "https://shop.example", true], // a trailing slash in the setting is forgiven
    ["https://Shop.Example", "https://shop.example", true], // origins are case-insensitive
    ["https://shop.example", "http://shop.example", false], // another scheme is another origin
    ["https://shop.example", "https://shop.example:8443", false], // and another port
    ["https://shop.example", "https://evil-shop.example", false],
    ["https://a.example, https://b.example", "https://b.example", true],
    ["https://a.example https://b.example", "https://b.example", true], // spaces separate too
    ["https://*.shop.example", "https://eu.shop.example", true],
    ["https://*.shop.example", "https://a.b.shop.example", true],
    ["https://*.shop.example", "https://shop.example", false], // the wildcard needs a subdomain
    ["https://*.shop.example", "https://evilshop.example", false],
    ["https://*.shop.example", "http://eu.shop.example", false],
    ["https://shop.example", "null", false], // sandboxed frames and file:// pages
  ])("%j lets %s in: %s", (setting, origin, allowed) => {
    expect(originAllowed(originPolicy(setting), origin, SELF)).toBe(allowed);
  });

  it("answers CORS for the page's origin, without credentials, varying by origin", () => {
    const headers = corsHeaders("https://shop.example");
    expect(headers["Access-Control-Allow-Origin"]).toBe("https://shop.example");
    expect(headers.Vary).toBe("Origin");
    expect(headers).not.toHaveProperty("Access-Control-Allow-Credentials");
    expect(headers["Access-Control-Allow-Headers"]).toContain("Authorization");
  });
});
