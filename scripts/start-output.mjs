/**
 * What `npm start` prints, kept apart from the process handling in start.mjs so it is tested in plain
 * Node: which of wrangler's lines are noise for someone trying Switchboard (one line per HTTP request),
 * how a running Switchboard is recognised on a port, and the block printed last — the addresses and
 * the demo sign-ins, which must not end up buried under the server's log.
 */

/** Terminal colour and cursor codes, which wrangler adds when it writes to a terminal. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Whether a line of `wrangler dev`'s output logs one request (`[wrangler:info] GET /health 200 OK (3ms)`)
 * or one batch of the events queue (`[wrangler:info] QUEUE switchboard-events 13/13 (12ms)`): the desktop
 * and the widget make many, and each would push the addresses off the screen. Everything else —
 * warnings, errors, the Worker's own console output — passes.
 * @example isRequestLog("[wrangler:info] GET /api/auth/me 200 OK (12ms)") // true
 * @example isRequestLog("[wrangler:error] Error: boom") // false
 * @param {string} line
 */
export function isRequestLog(line) {
  const text = line.replace(ANSI, "").trim();
  return /^\[wrangler:info\] ((GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ \d{3}|QUEUE \S+ \d+\/\d+)\b/.test(text);
}

/**
 * Whether a /health answer is Switchboard's: `{"status":"ok","regions":<n>,"version":"<release>"}`.
 * @example isSwitchboardHealth({ status: "ok", regions: 8, version: "0.1.0" }) // true
 * @param {unknown} body
 */
export function isSwitchboardHealth(body) {
  if (typeof body !== "object" || body === null) return false;
  const { status, regions, version } = /** @type {Record<string, unknown>} */ (body);
  return status === "ok" && typeof regions === "number" && typeof version === "string";
}

/**
 * @typedef {{ email: string, role: string, password: string | null }} SignIn
 * @typedef {{ base: string, stateDir: string, demoUrl?: string, users?: SignIn[], credentialsFrom: string, calls?: string }} Block
 */

/**
 * The block `npm start` prints last: where everything is, and who can sign in.
 * @param {Block} block
 * @returns {string[]} its lines
 */
export function startBlock({ base, stateDir, demoUrl, users, credentialsFrom, calls }) {
  const rule = "─".repeat(72);
  const lines = [rule, `Switchboard is running at ${base}`, ""];
  lines.push(`  Agent desktop   ${base}/app/`);
  if (demoUrl) {
    lines.push(`  Demo shop       ${demoUrl}`);
    lines.push("                  (be the customer there, and the agent in the desktop in another tab)");
  }
  lines.push(`  API             ${base}/taskrouter/v1  (HTTP Basic: ACCOUNT_SID and AUTH_TOKEN, ${credentialsFrom})`);
  lines.push(`  API reference   ${base}/openapi.json   Errors: ${base}/docs/errors`);
  lines.push(`  Health          ${base}/health`);
  if (calls) lines.push(`  Calls, video    ${calls}`);
  if (users && users.length > 0) {
    lines.push("", "Sign in to the desktop (agents start Offline: they go Available in the desktop to take chats):");
    for (const user of users) {
      lines.push(`  ${user.role.padEnd(11)} ${user.email.padEnd(26)} ${user.password ?? "(already existed: password unchanged)"}`);
    }
    if (!users.some((user) => user.role === "admin")) {
      lines.push("  (no admin: add ADMIN_EMAIL and ADMIN_PASSWORD to .dev.vars, restart, and sign in with them)");
    }
  }
  lines.push("", `Stop it with Ctrl-C. Everything is kept in ${stateDir}.`, rule);
  return lines;
}
