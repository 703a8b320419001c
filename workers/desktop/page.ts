/**
 * The agent desktop's document, `/app/` (and `/app/index.html`): the static file from the assets, with
 * the headers that keep it from being framed or made to run someone else's script — the
 * Content-Security-Policy of content-security-policy.ts (plugins' and CRMs' origins read from the
 * AccountDO on each load, so a newly registered plugin works on the next reload; the LiveKit servers the
 * desk's calls join: `LIVEKIT_URL`, else every region's `livekitUrl`), `X-Frame-Options:
 * DENY`, `nosniff`, `Referrer-Policy: no-referrer` (the SSO link carries its token in the URL) and the
 * rest of hono/secure-headers. wrangler.toml routes these two paths to the Worker first; the desktop's
 * scripts and styles are served as static assets. The document is never cached, so the policy is
 * always the current one.
 */
import type { Context } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { Env } from "../../platform/env";
import { desktopContentSecurityPolicy, type DesktopSources } from "./content-security-policy";
import { accountFor } from "../../platform/objects";
import { regions } from "../../platform/regions";

type PageContext = Context<{ Bindings: Env }>;

const headers = secureHeaders({
  xFrameOptions: "DENY",
  // HSTS is the zone's decision (includeSubDomains would reach every host of the team's domain).
  strictTransportSecurity: false,
});

/** The account's plugin and CRM origins; none when the AccountDO cannot be reached (the desktop still loads, plugins do not). */
async function sourcesOf(env: Env): Promise<DesktopSources> {
  if (!env.ACCOUNT_SID) return { plugins: [], crm: [] };
  try {
    return await accountFor(env, env.ACCOUNT_SID).desktopSources();
  } catch (error) {
    console.error("desktop page: plugin and CRM origins unavailable, serving the strictest policy:", error);
    return { plugins: [], crm: [] };
  }
}

/** Where the desk's calls may connect: the one local server, or each region's. */
const livekitUrls = (env: Env): string[] =>
  env.LIVEKIT_URL?.trim() ? [env.LIVEKIT_URL.trim()] : regions.regions.map((region) => region.livekitUrl);

/**
 * Serves the desktop's document with its security headers.
 * @example app.get("/app/", ...desktopPage);
 */
export const desktopPage = [
  headers,
  async (c: PageContext): Promise<Response> => {
    const [asset, sources] = await Promise.all([c.env.ASSETS.fetch(new URL("/app/", c.req.url)), sourcesOf(c.env)]);
    if (!asset.ok) return asset;
    return new Response(asset.body, {
      headers: {
        "Content-Type": asset.headers.get("content-type") ?? "text/html; charset=utf-8",
        "Content-Security-Policy": desktopContentSecurityPolicy(sources, livekitUrls(c.env)),
        "Cache-Control": "no-store",
      },
    });
  },
] as const;
