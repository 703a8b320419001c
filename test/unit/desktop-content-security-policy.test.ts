/**
 * The agent desktop's Content-Security-Policy: this origin only, plus each plugin's origin for code and
 * each CRM's for the screen-pop frame; never framed; nothing a stored value could turn into a wildcard.
 */
import { describe, expect, it } from "vitest";
import { desktopContentSecurityPolicy } from "../../workers/desktop/content-security-policy";

const directives = (policy: string) =>
  Object.fromEntries(policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));

describe("desktopContentSecurityPolicy", () => {
  it("without plugins or a CRM: this origin only, no frames either way", () => {
    expect(directives(desktopContentSecurityPolicy({ plugins: [], crm: [] }))).toEqual({
      "default-src": "'self'",
      "script-src": "'self'",
      "style-src": "'self' 'unsafe-inline'",
      "img-src": "'self' data: blob:",
      "font-src": "'self' data:",
      "connect-src": "'self'",
      "media-src": "'self' blob:",
      "frame-src": "'none'",
      "frame-ancestors": "'none'",
      "object-src": "'none'",
      "base-uri": "'self'",
      "form-action": "'self'",
    });
  });

  it("lets plugins' origins serve code and the CRM's be framed, each once", () => {
    const policy = directives(
      desktopContentSecurityPolicy({
        plugins: ["https://plugins.example", "http://127.0.0.1:5173", "https://plugins.example"],
        crm: ["https://crm.example"],
      }),
    );
    expect(policy["script-src"]).toBe("'self' https://plugins.example http://127.0.0.1:5173");
    expect(policy["connect-src"]).toBe("'self' https://plugins.example http://127.0.0.1:5173");
    expect(policy["frame-src"]).toBe("https://crm.example");
    expect(policy["frame-ancestors"]).toBe("'none'");
  });

  it("lets the desk's calls connect to the LiveKit servers, by WebSocket and HTTP, and to nothing else a URL could carry", () => {
    const policy = directives(
      desktopContentSecurityPolicy({ plugins: [], crm: [] }, [
        "wss://switchboard-us-east.livekit.cloud",
        "ws://127.0.0.1:7880/",
        "wss://switchboard-us-east.livekit.cloud/rtc",
        "https://not-a-websocket.example",
        "wss://a.example; script-src *",
      ]),
    );
    expect(policy["connect-src"]).toBe(
      "'self' wss://switchboard-us-east.livekit.cloud https://switchboard-us-east.livekit.cloud ws://127.0.0.1:7880 http://127.0.0.1:7880",
    );
    expect(policy["script-src"]).toBe("'self'");
  });

  it.each([["*"], ["https:"], ["'unsafe-inline'"], ["https://a.example; script-src *"], ["https://a.example/path"], ["javascript:"], [""]])(
    "never takes %j as a source",
    (source) => {
      const policy = desktopContentSecurityPolicy({ plugins: [source], crm: [source] });
      expect(directives(policy)["script-src"]).toBe("'self'");
      expect(directives(policy)["frame-src"]).toBe("'none'");
    },
  );
});
