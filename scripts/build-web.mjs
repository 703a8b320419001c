#!/usr/bin/env node
/**
 * Builds the browser assets the Worker serves from web/public: today the web chat widget
 * (web/widget/src/index.ts → web/public/widget.js, one minified ES2019 file with no dependencies).
 * Prints the gzipped size against the widget's 25 KB budget and fails past it. `npm start` and the
 * compat suite run this before wrangler dev; the output is built, never committed.
 * @example node scripts/build-web.mjs
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const WIDGET_BUDGET = 25 * 1024;

/**
 * Bundles the widget; resolves to its gzipped size in bytes.
 * @returns {Promise<number>}
 */
export async function buildWeb() {
  const outfile = join(root, "web", "public", "widget.js");
  await build({
    entryPoints: [join(root, "web", "widget", "src", "index.ts")],
    outfile,
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2019",
    legalComments: "none",
    logLevel: "warning",
  });
  const gzipped = gzipSync(readFileSync(outfile), { level: 9 }).length;
  console.log(`${relative(root, outfile)}: ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${WIDGET_BUDGET / 1024} KB)`);
  if (gzipped > WIDGET_BUDGET) throw new Error(`The widget is ${gzipped} bytes gzipped, over its ${WIDGET_BUDGET}-byte budget`);
  return gzipped;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWeb();
}
