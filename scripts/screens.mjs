/**
 * Refreshes the screenshots the README shows (docs/screens/) from the ones the browser tests just saved
 * (test/e2e/screenshots/, written by `npm test`'s compat project): run `npm test` (or only the e2e tests),
 * then `npm run screens`, and commit what changed.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "test", "e2e", "screenshots");
const to = join(root, "docs", "screens");

/** README image ← the browser test's screenshot. */
export const SCREENS = {
  "agent-desktop.png": "desktop-3-chat.png",
  "ringing.png": "desktop-2-ringing.png",
  "queue-stats.png": "desktop-6-queue-stats.png",
  "supervisor-wall-dark.png": "desktop-9-wall-dark.png",
  "supervisor-live.png": "supervisor-live.png",
  "wrap-up.png": "desktop-4-wrap-up.png",
  "web-chat-widget.png": "3-conversation.png",
  "widget-video-call.png": "widget-call-video.png",
  "widget-call-waiting.png": "widget-call-waiting.png",
  "call-panel.png": "call-voice.png",
  "call-video.png": "call-video.png",
  "supervisor-call.png": "supervisor-listening.png",
  "supervisor-live-calls.png": "supervisor-live-calls.png",
  "widget-on-hold.png": "widget-to-desk-customer-held.png",
  "self-service.png": "self-service-2-beside-chat.png",
  "widget-call-menu.png": "call-flow-menu.png",
};

/** Copies every screen; exits 1 naming what the browser tests have not saved yet. */
function refresh() {
  const missing = Object.values(SCREENS).filter((source) => !existsSync(join(from, source)));
  if (missing.length > 0) {
    console.error(
      `No ${missing.join(", ")} in test/e2e/screenshots: run the browser tests first (npx vitest run --project compat test/e2e).`,
    );
    process.exit(1);
  }
  mkdirSync(to, { recursive: true });
  for (const [target, source] of Object.entries(SCREENS)) copyFileSync(join(from, source), join(to, target));
  console.log(`Copied ${Object.keys(SCREENS).length} screenshots to docs/screens/.`);
}

// Run as `npm run screens`; imported (by the README test) it only lends its list.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) refresh();
