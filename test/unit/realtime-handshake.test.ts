/**
 * How an agent's upgrade request is read: where the token may come from (and which wins), the
 * subprotocol the answer must name, `since`, the identity header the Worker sets, close reasons cut
 * to what the wire allows.
 */
import { describe, expect, it } from "vitest";
import { closeReason, readHandshake, readIdentity, sinceOf } from "../../durable-objects/router/realtime/handshake";

const read = (query: string, headers: Record<string, string> = {}) =>
  readHandshake(new URL(`https://sb.test/api/realtime${query}`), new Headers(headers));

describe("readHandshake", () => {
  it.each([
    ["the query", "?token=q", {}, { token: "q", subprotocol: false, since: null }],
    ["a token. subprotocol", "", { "sec-websocket-protocol": "switchboard, token.p" }, { token: "p", subprotocol: true, since: null }],
    ["a bearer header", "?since=7", { authorization: "Bearer b" }, { token: "b", subprotocol: false, since: "7" }],
    // The query wins over a subprotocol, which wins over the header.
    [
      "all three",
      "?token=q",
      { "sec-websocket-protocol": "token.p", authorization: "Bearer b" },
      { token: "q", subprotocol: false, since: null },
    ],
    ["nowhere", "", { authorization: "Basic abc" }, { token: null, subprotocol: false, since: null }],
  ])("takes the token from %s", (_, query, headers, expected) => {
    expect(read(query, headers)).toEqual(expected);
  });
});

describe("sinceOf", () => {
  it.each([
    [null, null],
    ["", null],
    ["0", 0],
    ["42", 42],
    ["-1", -1], // refused by the Router as malformed
    ["4.5", -1],
    ["yesterday", -1],
    ["1234567890123456", -1], // beyond 15 digits
  ])("reads %j as %j", (text, expected) => {
    expect(sinceOf(text)).toBe(expected);
  });
});

describe("readIdentity", () => {
  const identity = { accountSid: "AC1", workspaceSid: "WS1", role: "worker", workerSid: "WK1", ops: ["activity:set"], expiresAt: 5 };
  it("reads the identity the Worker verified, and nothing else", () => {
    expect(readIdentity(JSON.stringify(identity))).toEqual(identity);
    expect(readIdentity(null)).toBeNull();
    expect(readIdentity("{")).toBeNull();
    expect(readIdentity(JSON.stringify({ ...identity, role: "owner" }))).toBeNull();
  });
});

describe("closeReason", () => {
  it("keeps a reason of up to 123 bytes and cuts a longer one to 120 with an ellipsis", () => {
    expect(closeReason("a".repeat(123))).toBe("a".repeat(123));
    const cut = closeReason("é".repeat(100)); // 200 bytes: 58 two-byte letters (116 bytes) + "…" (3 bytes)
    expect(cut).toBe("é".repeat(58) + "…");
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(123);
  });
});
