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
 * Chromium's own camera and microphone stand-ins (a test pattern and a beep) and no permission prompt:
 * for the call tests, whose pages publish media.
 */
export const FAKE_MEDIA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"] as const;

/**
 * Starts Chromium headless; throws a message saying how to install it when it is missing.
 * @param extraArgs more of Chromium's switches, such as {@link FAKE_MEDIA}
 * @example const browser = await launchChromium(); const page = await browser.newPage();
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}. Install it with \`apt-get install -y chromium\` ` +
        "(or point CHROMIUM_PATH at a Chromium or Chrome binary); .ci/run installs it itself.",
    );
  }
  return chromium.launch({
    executablePath,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", ...extraArgs],
  });
}
