/**
 * docs/errors.md as data: the page every error's `more_info` links to. The file is the one source — read
 * by the Worker (bundled as text) to serve /docs/errors, and by a unit test that checks every code the
 * source answers with has its section — so the documentation and the codes cannot drift apart.
 *
 * The format: `# Title`, an introduction, then one `## <code> <title>` section per code, and one
 * `## Other codes` section for Twilio's generic family (20000 + HTTP status) that the HTTP layer may use.
 */

/** One `##` section of the page. `code` is null for the section of other codes. */
export interface ErrorDoc {
  readonly code: number | null;
  readonly title: string;
  /** The section's Markdown, without its heading. */
  readonly body: string;
}

export interface ErrorDocs {
  readonly title: string;
  /** The Markdown between the title and the first section. */
  readonly intro: string;
  readonly sections: readonly ErrorDoc[];
}

/** Twilio's generic codes (20000 + an HTTP status) that the `Other codes` section covers. */
const GENERIC = { from: 20400, to: 20599 } as const;

/**
 * Splits the page into its sections.
 * @example parseErrorDocs("# Codes\n\nHi\n\n## 20001 Invalid parameter\n\nHTTP 400.").sections[0] // { code: 20001, title: "Invalid parameter", body: "HTTP 400." }
 */
export function parseErrorDocs(markdown: string): ErrorDocs {
  const [head = "", ...parts] = markdown.split(/^## /m);
  const title = /^# (.+)$/m.exec(head)?.[1]?.trim() ?? "Error codes";
  const intro = head.replace(/^# .+$/m, "").trim();
  const sections = parts.map((part): ErrorDoc => {
    const newline = part.indexOf("\n");
    const heading = (newline < 0 ? part : part.slice(0, newline)).trim();
    const body = newline < 0 ? "" : part.slice(newline + 1).trim();
    const numbered = /^(\d{5})\s+(.+)$/.exec(heading);
    return numbered ? { code: Number(numbered[1]), title: numbered[2]!, body } : { code: null, title: heading, body };
  });
  return { title, intro, sections };
}

/**
 * The section that documents `code`: its own, or for a generic 20400–20599 code without one, the
 * section of other codes; undefined for a code Switchboard never answers with.
 * @example errorDocFor(docs, 20404)?.title // "Not found"
 * @example errorDocFor(docs, 20405)?.title // "Other codes"
 */
export function errorDocFor(docs: ErrorDocs, code: number): ErrorDoc | undefined {
  const own = docs.sections.find((section) => section.code === code);
  if (own) return own;
  return code >= GENERIC.from && code <= GENERIC.to ? docs.sections.find((section) => section.code === null) : undefined;
}
