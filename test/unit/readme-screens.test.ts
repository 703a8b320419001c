/**
 * The README shows the main screens before anyone installs Switchboard: every image it links is in the
 * repository (docs/screens/, refreshed from the browser tests by `npm run screens`), and every screen the
 * refresh script copies is one the README shows.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { SCREENS } from "../../scripts/screens.mjs";

const root = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const images = [...readme.matchAll(/!\[[^\]]+\]\(([^)]+\.png)\)/g)].map((m) => m[1]!);

it("links each screen the refresh script keeps, and each linked image is a real PNG in the repository", () => {
  expect(images.sort()).toEqual(
    Object.keys(SCREENS)
      .map((name) => `docs/screens/${name}`)
      .sort(),
  );
  for (const image of images) {
    const path = join(root, image);
    expect(existsSync(path), image).toBe(true);
    expect(statSync(path).size, image).toBeGreaterThan(1_000);
    expect([...readFileSync(path).subarray(1, 4)].map((b) => String.fromCharCode(b)).join(""), image).toBe("PNG");
  }
});
