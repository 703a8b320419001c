/**
 * The agent desktop's document as `wrangler dev` serves it (the same routing as production: /app/ goes
 * to the Worker first, its scripts come from the static assets): a Content-Security-Policy with no
 * inline script and no framing, the other protective headers, the desktop's own script still loading,
 * and a registered plugin's origin and a CRM's origin let in on the next load.
 */
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { raw } from "./client";

const page = (path = "/app/") => fetch(`${inject("baseUrl")}${path}`, { redirect: "manual" });

const directives = (policy: string | null) =>
  Object.fromEntries((policy ?? "").split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));

describe("GET /app/", () => {
  it.each(["/app/", "/app/index.html"])("serves %s with its security headers, and its scripts load", async (path) => {
    const res = await page(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const policy = directives(res.headers.get("content-security-policy"));
    expect(policy["frame-ancestors"]).toEqual(["'none'"]);
    expect(policy["script-src"]![0]).toBe("'self'");
    expect(policy["script-src"]).not.toContain("'unsafe-inline'");
    expect(policy["script-src"]).not.toContain("'unsafe-eval'");
    expect(policy["object-src"]).toEqual(["'none'"]);

    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script for the policy to break
    const script = /<script[^>]*\bsrc="([^"]+)"/.exec(html)?.[1];
    expect(script).toMatch(/^\/app\/assets\/.+\.js$/);
    const js = await fetch(`${inject("baseUrl")}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
  });

  it("sends /app to /app/ rather than serving the document without its headers", async () => {
    const res = await page("/app");
    expect([301, 302, 307, 308]).toContain(res.status);
    expect(new URL(res.headers.get("location")!, inject("baseUrl")).pathname).toBe("/app/");
  });

  it("lets a registered plugin's origin serve code and a workspace's CRM be framed, from the next load", async () => {
    const workspace = await raw("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "desktop page" });
    const ws = (workspace.body as { sid: string }).sid;
    const plugin = await raw("POST", `/api/workspaces/${ws}/plugins`, { Url: "https://plugins.page.example/p.js" });
    expect(plugin.status).toBe(201);
    const crm = await raw("POST", `/api/workspaces/${ws}/desktop-settings`, {
      CrmUrlTemplate: "https://crm.page.example/c?phone={{task.from}}",
    });
    expect(crm.status).toBe(200);

    const policy = directives((await page()).headers.get("content-security-policy"));
    expect(policy["script-src"]).toContain("https://plugins.page.example");
    expect(policy["connect-src"]).toContain("https://plugins.page.example");
    expect(policy["frame-src"]).toContain("https://crm.page.example");
    expect(policy["frame-src"]).not.toContain("https://plugins.page.example");
  });
});
