// What `npm start` prints (scripts/start-output.mjs): which wrangler lines are dropped, how Switchboard
// is recognised on a port, and the block printed last.
import { describe, expect, it } from "vitest";
import { isRequestLog, isSwitchboardHealth, startBlock } from "../../../scripts/start-output.mjs";

describe("isRequestLog", () => {
  it.each([
    ["[wrangler:info] GET /health 200 OK (3ms)", true],
    ["[wrangler:info] POST /api/webchat/WS1/XC1/messages 201 Created (40ms)", true],
    ["\u001b[2m[wrangler:info] GET /app/ 304 Not Modified (2ms)\u001b[22m", true],
    ["[wrangler:info] QUEUE switchboard-events 13/13 (12ms)", true],
    // What someone starting Switchboard must still see:
    ["[wrangler:info] Ready on http://127.0.0.1:8787", false],
    ["[wrangler:error] Error: boom", false],
    ["[wrangler:warn] GET /x 500 Internal Server Error (3ms)", false],
    ["▲ [WARNING] Presence: taking worker WK1 offline failed", false],
    ["✘ [ERROR] [request abc] GET /api/x failed: TypeError", false],
    ["GET /health 200 OK", false],
  ])("%s → %s", (line, dropped) => {
    expect(isRequestLog(line)).toBe(dropped);
  });
});

describe("isSwitchboardHealth", () => {
  it.each([
    [{ status: "ok", regions: 8, version: "0.1.0" }, true],
    [{ status: "ok" }, false], // another program's health check
    [{ status: "ok", regions: "8", version: "0.1.0" }, false],
    [{ status: "down", regions: 8, version: "0.1.0" }, false],
    [null, false],
    ["ok", false],
  ])("%j → %s", (body, ours) => {
    expect(isSwitchboardHealth(body)).toBe(ours);
  });
});

describe("startBlock", () => {
  const base = "http://127.0.0.1:8787";
  const demoUrl = `${base}/demo/?workspace=WS1&channel=XC1`;

  it("names every address and every sign-in, between two rules", () => {
    const lines = startBlock({
      base,
      stateDir: ".wrangler/state",
      demoUrl,
      credentialsFrom: "printed above, in .dev.vars",
      users: [
        { email: "admin@example.com", role: "admin", password: "pw-admin" },
        { email: "ada@example.com", role: "agent", password: null },
      ],
    });
    expect(lines[0]).toMatch(/^─+$/);
    expect(lines.at(-1)).toBe(lines[0]);
    const text = lines.join("\n");
    for (const url of [`${base}/app/`, demoUrl, `${base}/taskrouter/v1`, `${base}/health`]) expect(text).toContain(url);
    expect(text).toMatch(/admin +admin@example\.com +pw-admin/);
    expect(text).toMatch(/agent +ada@example\.com +\(already existed: password unchanged\)/);
    expect(text).not.toContain("no admin");
    expect(text).toContain("Everything is kept in .wrangler/state.");
    expect(text).not.toContain("Calls, video");
  });

  it("says where calls and video go, or that they are off", () => {
    const on = startBlock({ base, stateDir: "s", credentialsFrom: "x", calls: "LiveKit v1.13.5 at ws://127.0.0.1:7880" });
    expect(on).toContain("  Calls, video    LiveKit v1.13.5 at ws://127.0.0.1:7880");
    const off = startBlock({ base, stateDir: "s", credentialsFrom: "x", calls: "off (see above)" });
    expect(off).toContain("  Calls, video    off (see above)");
  });

  it("says how to get an admin when there is none, and leaves out the demo when there is none", () => {
    const withoutAdmin = startBlock({
      base,
      stateDir: "s",
      demoUrl,
      credentialsFrom: "x",
      users: [{ email: "a@x", role: "agent", password: "p" }],
    });
    expect(withoutAdmin.join("\n")).toContain("no admin: add ADMIN_EMAIL and ADMIN_PASSWORD to .dev.vars");
    const noDemo = startBlock({ base, stateDir: "s", credentialsFrom: "x" }).join("\n");
    expect(noDemo).not.toContain("Demo shop");
    expect(noDemo).not.toContain("Sign in");
    expect(noDemo).toContain(`${base}/app/`);
  });
});
