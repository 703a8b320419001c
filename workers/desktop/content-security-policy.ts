/**
 * The agent desktop's Content-Security-Policy, from where the account lets it load code and frames: no
 * inline script, no eval, nothing from anywhere but this origin — except each enabled plugin's origin
 * (its module, styles, images and calls) and each workspace's CRM origin, which only the sandboxed
 * screen-pop frame may show — and the LiveKit servers calls join (their `ws(s)://` origin and its
 * `http(s)://` twin, which livekit-client asks when a join fails). No page may frame the desktop (`frame-ancestors 'none'`: clickjacking).
 * Inline styles stay allowed: the screens inject their stylesheets as `<style>` elements.
 *
 * Pure: the Worker passes the AccountDO's `desktopSources()`.
 */

/** The origins the account's plugins and CRM screen pops live on (`https://…`, or `http://localhost:…`). */
export interface DesktopSources {
  readonly plugins: readonly string[];
  readonly crm: readonly string[];
}

/** Only real http(s) origins become sources: nothing a stored value could stretch into a wildcard or a keyword. */
const origins = (list: readonly string[]): string[] =>
  [...new Set(list)].filter((origin) => URL.canParse(origin) && new URL(origin).origin === origin && /^https?:/.test(origin));

/** A LiveKit server's URL → its WebSocket origin and the HTTP one of the same host; nothing else passes. */
const livekitOrigins = (urls: readonly string[]): string[] => [
  ...new Set(
    urls.flatMap((url) => {
      if (!URL.canParse(url)) return [];
      const parsed = new URL(url);
      if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") return [];
      const http = parsed.protocol === "wss:" ? "https:" : "http:";
      return [`${parsed.protocol}//${parsed.host}`, `${http}//${parsed.host}`];
    }),
  ),
];

/**
 * The policy of the desktop's document; `livekit`: the LiveKit servers' URLs its calls join.
 * @example
 * desktopContentSecurityPolicy({ plugins: ["https://plugins.example"], crm: [] })
 * // "default-src 'self'; script-src 'self' https://plugins.example; … frame-src 'none'; frame-ancestors 'none'; …"
 */
export function desktopContentSecurityPolicy(sources: DesktopSources, livekit: readonly string[] = []): string {
  const plugins = origins(sources.plugins);
  const crm = origins(sources.crm);
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", ...plugins],
    ["style-src", "'self'", "'unsafe-inline'", ...plugins],
    ["img-src", "'self'", "data:", "blob:", ...plugins],
    ["font-src", "'self'", "data:", ...plugins],
    ["connect-src", "'self'", ...plugins, ...livekitOrigins(livekit)],
    ["media-src", "'self'", "blob:"],
    ["frame-src", ...(crm.length > 0 ? crm : ["'none'"])],
    ["frame-ancestors", "'none'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
  ];
  return directives.map((words) => words.join(" ")).join("; ");
}
