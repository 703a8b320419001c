#!/usr/bin/env node
/**
 * Builds the browser assets the Worker serves from web/public: the web chat widget
 * (web/widget/src/index.ts → web/public/widget.js, one minified ES2020 file with no dependencies) and
 * its call chunk (web/widget/src/call/index.ts → web/public/widget-call.js, an ES module with
 * livekit-client that widget.js `import()`s only for a call; web/public/_headers lets the team's page
 * import it cross-origin), then the agent desktop (web/desktop, Vite → web/public/app/, served at /app/).
 * Prints gzipped sizes against their budgets and fails past one: 25 KB for the widget, 200 KB for its
 * call chunk; 250 KB for the desktop's initial JS (every script and module preload its index.html loads
 * at start). `npm start` and the compat suite run this
 * before wrangler dev; the output is built, never committed.
 * @example node scripts/build-web.mjs
 */
import { build } from "esbuild";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const WIDGET_BUDGET = 25 * 1024;
/** The call chunk's budget: livekit-client is most of it (bench/desktop.ts reports it too). */
export const CALL_CHUNK_BUDGET = 200 * 1024;
const DESKTOP_BUDGET = 250 * 1024;

/**
 * Bundles the widget, then the desktop; resolves to the widget's gzipped size in bytes (the desktop's
 * initial JS is printed and checked against its budget; `buildDesktop()` resolves to it).
 * @returns {Promise<number>}
 */
export async function buildWeb() {
  const widget = await buildWidget();
  await buildCallChunk();
  await buildDesktop();
  return widget;
}

/**
 * A built file's size gzipped at level 9, printed against its budget; throws past the budget.
 * @param {string} file
 * @param {number} budget bytes
 * @param {string} what the file, as the error names it
 * @returns {number}
 */
function measure(file, budget, what) {
  const gzipped = gzipSync(readFileSync(file), { level: 9 }).length;
  console.log(`${relative(root, file)}: ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${budget / 1024} KB)`);
  if (gzipped > budget) throw new Error(`${what} is ${gzipped} bytes gzipped, over its ${budget}-byte budget`);
  return gzipped;
}

/**
 * Bundles the widget; resolves to its gzipped size in bytes.
 * @returns {Promise<number>}
 */
async function buildWidget() {
  const outfile = join(root, "web", "public", "widget.js");
  await build({
    entryPoints: [join(root, "web", "widget", "src", "index.ts")],
    outfile,
    bundle: true,
    minify: true,
    format: "iife",
    // ES2020: the widget `import()`s its call chunk (an ES2020 feature), and `?.`/`??` left as they are
    // keep it small — every browser since 2020 reads it.
    target: "es2020",
    legalComments: "none",
    logLevel: "warning",
  });
  return measure(outfile, WIDGET_BUDGET, "The widget");
}

/**
 * Bundles the widget's call chunk (livekit-client and the call panel) as one ES module; resolves to its
 * gzipped size in bytes.
 * @returns {Promise<number>}
 */
export async function buildCallChunk() {
  const outfile = join(root, "web", "public", "widget-call.js");
  await build({
    entryPoints: [join(root, "web", "widget", "src", "call", "index.ts")],
    outfile,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    legalComments: "none",
    logLevel: "warning",
  });
  return measure(outfile, CALL_CHUNK_BUDGET, "The widget's call chunk");
}

/**
 * The JS files an HTML page loads at start: its module scripts and module preloads (same-origin paths).
 * @param {string} html
 * @returns {string[]} the paths as written (e.g. "/app/assets/index-abc.js")
 */
export function initialScripts(html) {
  const found = new Set();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const isScript = /^<script/i.test(tag) && /type=["']?module/i.test(tag);
    const isPreload = /^<link/i.test(tag) && /rel=["']?modulepreload/i.test(tag);
    const url = /(?:src|href)=["']([^"']+)["']/i.exec(tag)?.[1];
    if ((isScript || isPreload) && url && !/^[a-z]+:\/\//i.test(url)) found.add(url);
  }
  return [...found];
}

/**
 * Builds the desktop with Vite (web/desktop/vite.config.ts); resolves to the gzipped size of its initial JS.
 * @returns {Promise<number>}
 */
export async function buildDesktop() {
  const { build: viteBuild } = await import("vite");
  const outDir = join(root, "web", "public", "app");
  // Always React's production build: under vitest NODE_ENV is "test", and Vite would then ship the
  // development one (it reads NODE_ENV from the building process).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await viteBuild({ configFile: join(root, "web", "desktop", "vite.config.ts"), logLevel: "warn", mode: "production" });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const html = readFileSync(join(outDir, "index.html"), "utf8");
  const scripts = initialScripts(html);
  if (scripts.length === 0) throw new Error("web/public/app/index.html loads no module script: the desktop build is broken");
  let gzipped = 0;
  for (const src of scripts) {
    const file = join(outDir, src.replace(/^\/app\//, "").replace(/^\.?\//, ""));
    const code = readFileSync(file);
    // zod checks frames on the server; the desk reads the contract's zod-free modules (frame-types.ts,
    // sid-format.ts …). One import of a module with a schema would put all of zod in the initial JS.
    if (code.includes("ZodError"))
      throw new Error(`The desktop's initial JS (${src}) carries zod: a module under web/desktop imports a contract/ module with a schema`);
    gzipped += gzipSync(code, { level: 9 }).length;
  }
  console.log(
    `${relative(root, outDir)}/: initial JS ${(gzipped / 1024).toFixed(1)} KB gzipped in ${scripts.length} file(s) (budget ${DESKTOP_BUDGET / 1024} KB)`,
  );
  if (gzipped > DESKTOP_BUDGET)
    throw new Error(`The desktop's initial JS is ${gzipped} bytes gzipped, over its ${DESKTOP_BUDGET}-byte budget`);
  const call = deskCallChunkGzipBytes();
  console.log(
    `${relative(root, outDir)}/: the call chunk (livekit-client, loaded when a call is joined) ${(call / 1024).toFixed(1)} KB gzipped`,
  );
  return gzipped;
}

/**
 * The gzipped size of the desktop's call chunk: livekit-client, which the desk imports only when it joins a
 * call (web/desktop/src/app/task/call-media.ts), so it is outside the initial JS. Read after buildDesktop().
 * @returns {number}
 */
export function deskCallChunkGzipBytes() {
  const assets = join(root, "web", "public", "app", "assets");
  const chunks = readdirSync(assets).filter((name) => /^livekit-client\b.*\.js$/.test(name));
  if (chunks.length === 0) throw new Error("web/public/app/assets/ has no livekit-client chunk: is it in the initial JS?");
  return chunks.reduce((sum, name) => sum + gzipSync(readFileSync(join(assets, name)), { level: 9 }).length, 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWeb();
}
