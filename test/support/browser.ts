/**
 * A headless Chromium for the browser tests (test/e2e), driven by playwright-core. The browser is
 * the system's (`/usr/bin/chromium`, or `CHROMIUM_PATH`), never a download: a machine without it
 * fails the tests with how to install it, rather than skipping them without a word.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Where Chromium is: `CHROMIUM_PATH`, else the Debian/Ubuntu package's path. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Starts Chromium headless; throws a message saying how to install it when it is missing.
 * @example const browser = await launchChromium(); const page = await browser.newPage();
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}. Install it with \`apt-get install -y chromium\` ` +
        "(or point CHROMIUM_PATH at a Chromium or Chrome binary); .ci/run installs it itself.",
    );
  }
  return chromium.launch({
    executablePath,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
}
