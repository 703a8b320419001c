/**
 * The widget's calls as the server sees them: a session request carries the identity the team's site
 * signed (data-identity) alongside the visitor's token, and nothing of the kind without one.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { channelApi } from "../../../web/widget/src/api";

const sent: { url: string; body: unknown }[] = [];
afterEach(() => {
  vi.unstubAllGlobals();
  sent.length = 0;
});

function serve(): void {
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    sent.push({ url, body: JSON.parse(String(init.body)) });
    return new Response(JSON.stringify({ token: "t", visitor_id: "WV1", conversation_sid: null, expires_at: "" }), { status: 200 });
  });
}

describe("channelApi().session", () => {
  it("sends the signed identity with the visitor's token and pre-chat fields", async () => {
    serve();
    await channelApi("https://sb.example", "WS1", "XC1", "eyJ.identity.sig").session("old-token", { name: "Grace" });
    expect(sent).toEqual([
      { url: "https://sb.example/api/webchat/WS1/XC1/sessions", body: { name: "Grace", token: "old-token", identity: "eyJ.identity.sig" } },
    ]);
  });

  it("sends no identity when the page gave none", async () => {
    serve();
    await channelApi("https://sb.example", "WS1", "XC1").session(null, {});
    expect(sent[0]!.body).toEqual({});
  });
});
