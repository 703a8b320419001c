/**
 * GET /docs/errors and /docs/errors/{code}: docs/errors.md served by the deployment itself, as HTML, so
 * the `more_info` of every error body (workers/http/errors.ts) opens a page that explains its code —
 * offline too, and always for the version that answered. Public, like /health: it is documentation.
 */
import { Hono } from "hono";
import { marked } from "marked";
import errorsMarkdown from "../../docs/errors.md";
import { ApiError } from "../http/errors";
import { errorDocFor, parseErrorDocs, type ErrorDoc } from "./error-codes";

const docs = parseErrorDocs(errorsMarkdown);

/** Markdown to HTML. The source is this repository's own file, so its HTML is trusted as written. */
const html = (markdown: string): string => marked.parse(markdown, { async: false });

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

const heading = (doc: ErrorDoc): string => (doc.code === null ? doc.title : `${doc.code} ${doc.title}`);

function section(doc: ErrorDoc): string {
  const id = doc.code === null ? "other" : String(doc.code);
  return `<section id="${id}"><h2><a href="#${id}">${escape(heading(doc))}</a></h2>${html(doc.body)}</section>`;
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escape(title)} · Switchboard</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
body { font: 16px/1.55 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.25rem; } h2 a { color: inherit; text-decoration: none; }
code { font-size: 0.9em; background: color-mix(in srgb, currentColor 8%, transparent); padding: 0.1rem 0.3rem; border-radius: 4px; }
pre { overflow-x: auto; padding: 0.75rem; background: color-mix(in srgb, currentColor 6%, transparent); border-radius: 6px; }
pre code { background: none; padding: 0; }
nav { font-size: 0.95rem; }
</style>
</head>
<body>
${content}
</body>
</html>
`;
}

export const errorDocs = new Hono();

errorDocs.get("/errors", (c) =>
  c.html(page(docs.title, `<h1>${escape(docs.title)}</h1>${html(docs.intro)}${docs.sections.map(section).join("\n")}`)),
);

errorDocs.get("/errors/:code", (c) => {
  const raw = c.req.param("code");
  const doc = /^\d{5}$/.test(raw) ? errorDocFor(docs, Number(raw)) : undefined;
  if (!doc)
    throw new ApiError(404, 20404, `Switchboard answers with no error code ${raw.slice(0, 20)}: every code it uses is at /docs/errors`);
  const title = doc.code === null ? `${raw} (${doc.title})` : heading(doc);
  return c.html(page(title, `<nav><a href="/docs/errors">All error codes</a></nav><h1>${escape(title)}</h1>${section(doc)}`));
});
