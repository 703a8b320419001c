/**
 * Which sites may run a channel's widget: the channel's `allowed_origins` setting, origins separated
 * by commas or spaces (`https://shop.example, https://*.shop.example`), or `*` for any site.
 *
 * The default — no origins set — allows only Switchboard's own origin (its demo page), never every
 * site: a channel is reachable from a team's site only once the team names it. Sessions are bearer
 * tokens a page keeps in its own storage, so another site cannot use a visitor's session; what the
 * list stops is another site putting the team's widget — and conversations in the team's queues — on
 * its own pages. Checked on every request that carries an `Origin` (fetches and WebSocket upgrades),
 * and answered in the CORS headers; a session, message, upload or socket without one is refused unless
 * the channel says `*` (webchat.ts), since a browser always sends it.
 */

/** The parsed setting: `any`, or exact origins and `*.`-suffix patterns. */
export interface OriginPolicy {
  readonly any: boolean;
  readonly exact: ReadonlySet<string>;
  /** `https://*.shop.example` kept as scheme `https:` and suffix `.shop.example`. */
  readonly wildcards: readonly { readonly scheme: string; readonly suffix: string }[];
}

/**
 * Reads `allowed_origins`.
 * @example originPolicy("https://shop.example, https://*.shop.example") // { any: false, exact: {"https://shop.example"}, wildcards: [{ scheme: "https:", suffix: ".shop.example" }] }
 */
export function originPolicy(setting: string | number | boolean | undefined): OriginPolicy {
  const entries = String(setting ?? "")
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase().replace(/\/+$/, ""))
    .filter(Boolean);
  const exact = new Set<string>();
  const wildcards: { scheme: string; suffix: string }[] = [];
  for (const entry of entries) {
    const wildcard = /^(https?:)\/\/\*(\.[a-z0-9.-]+(?::\d+)?)$/.exec(entry);
    if (wildcard) wildcards.push({ scheme: wildcard[1]!, suffix: wildcard[2]! });
    else if (entry !== "*") exact.add(entry);
  }
  return { any: entries.includes("*"), exact, wildcards };
}

/**
 * Whether a page of `origin` may use the channel; `self` (Switchboard's own origin) always may.
 * @example originAllowed(originPolicy("https://*.shop.example"), "https://eu.shop.example", "https://sb.example") // true
 */
export function originAllowed(policy: OriginPolicy, origin: string, self: string): boolean {
  const normalized = origin.toLowerCase();
  if (normalized === self.toLowerCase() || policy.any || policy.exact.has(normalized)) return true;
  const match = /^(https?:)\/\/([^/]+)$/.exec(normalized);
  return (
    match !== null &&
    policy.wildcards.some((w) => w.scheme === match[1] && match[2]!.endsWith(w.suffix) && match[2]!.length > w.suffix.length)
  );
}

/** The CORS headers of an allowed cross-origin request (bearer tokens only: never credentials). */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "600",
    Vary: "Origin",
  };
}
