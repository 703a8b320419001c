/**
 * Which Node runs what: `npm install` runs on the system's Node (20 on many machines), every npm script on
 * the Node 22 of the `node` dev dependency. package.json's `engines` must ask only for the first — asking
 * for Node 22 there printed a false EBADENGINE warning on every Node 20 install — and the dev dependency
 * must keep the second.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; engines?: { node?: string } }>;
};

/** [major, minor] of the lowest version a `>=x.y.z` or `^x.y.z` range allows. */
const lowest = (range: string): [number, number] => {
  const match = /^(?:>=|\^)\s*(\d+)\.(\d+)\.\d+$/.exec(range.trim());
  if (!match) throw new Error(`unexpected range ${range}`);
  return [Number(match[1]), Number(match[2])];
};

it("asks npm install for Node 20 or newer, as package.json and the lockfile agree", () => {
  expect(lowest(pkg.engines.node)[0]).toBeLessThanOrEqual(20);
  expect(lock.packages[""]?.engines?.node).toBe(pkg.engines.node);
});

it("gives npm scripts Node 22.12 or newer through the node dev dependency", () => {
  const [major, minor] = lowest(pkg.devDependencies.node ?? "");
  expect(major > 22 || (major === 22 && minor >= 12)).toBe(true);
  const [lockedMajor, lockedMinor] = (lock.packages["node_modules/node"]?.version ?? "0.0.0").split(".").map(Number);
  expect(lockedMajor! > 22 || (lockedMajor === 22 && lockedMinor! >= 12)).toBe(true);
});
