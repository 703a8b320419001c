import { describe, expect, it } from "vitest";
import { sameBytes, sameSecret, sameText } from "../../../platform/constant-time";

describe("constant-time comparisons", () => {
  it.each([
    ["abc", "abc", true],
    ["abd", "abc", false],
    ["ab", "abc", false], // a prefix of the expected value
    ["abcd", "abc", false], // the expected value followed by more
    ["", "", true],
    ["", "abc", false],
  ])("sameText(%j, %j) is %s", (presented, expected, equal) => expect(sameText(presented, expected)).toBe(equal));

  it.each([
    [[1, 2, 3], [1, 2, 3], true],
    [[1, 2, 4], [1, 2, 3], false],
    [[1, 2], [1, 2, 3], false],
  ])("sameBytes(%j, %j) is %s", (a, b, equal) => expect(sameBytes(new Uint8Array(a), new Uint8Array(b))).toBe(equal));

  it("sameSecret compares secrets of any length", async () => {
    expect(await sameSecret("test-auth-token", "test-auth-token")).toBe(true);
    expect(await sameSecret("test-auth-token", "test-auth-tokeN")).toBe(false);
    expect(await sameSecret("short", "a much longer secret")).toBe(false);
  });
});
