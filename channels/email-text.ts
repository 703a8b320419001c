/**
 * The text an agent sees of an email: HTML turned into plain text, and the quoted history a reply
 * drags along trimmed off. Agents are shown text only, never a mail's HTML, so nothing a sender
 * writes can run or load in the agent desktop; this is a reader's conversion, not a sanitizer.
 * Pure string work, no runtime APIs.
 */

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  euro: "€",
  copy: "©",
  reg: "®",
};

/** A code point from a numeric entity, or U+FFFD for one that names none (or a NUL/surrogate). */
function codePoint(value: number): string {
  return Number.isInteger(value) && value > 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff)
    ? String.fromCodePoint(value)
    : "\uFFFD";
}

/**
 * Decodes HTML character references; unknown named ones stay as written.
 * @example decodeEntities("Tom &amp; Jerry &#39;24") // "Tom & Jerry '24"
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, name: string) => {
    if (name[0] === "#") return codePoint(name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Stand-ins for line breaks while tags are stripped: adjacent blocks (`</div><div>`) must give one break, not two. */
const LINE = "\uE000";
const PARAGRAPH = "\uE001";

/**
 * Plain text of an HTML mail body: invisible parts (head, scripts, styles, comments) dropped, the
 * source's own line breaks treated as the spaces they are, block elements become line breaks
 * (paragraphs, lists and tables a blank line), list items get a dash, every other tag goes, and
 * entities are decoded last (so `&lt;b&gt;` reads as the text `<b>`).
 *
 * @example
 * htmlToText("<p>Hello&nbsp;there</p><ul><li>one</li></ul>"); // "Hello there\n\n- one"
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/[\uE000\uE001]/g, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(head|script|style|title|template)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/\s+/g, " ")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<li\b[^>]*>/gi, `${LINE}- `)
    .replace(/<\/?(div|tr|li|section|article|header|footer|pre|dt|dd)\b[^>]*>/gi, LINE)
    .replace(/<\/?(p|h[1-6]|ul|ol|dl|table|blockquote|hr)\b[^>]*>/gi, PARAGRAPH)
    .replace(/<[^>]*>/g, "")
    .replace(/[ \n\uE000\uE001]*[\uE000\uE001][ \n\uE000\uE001]*/g, (run) => (run.includes(PARAGRAPH) ? "\n\n" : "\n"));
  return decodeEntities(text)
    .replace(/\u00a0/g, " ")
    .split("\n")
    .map((line) => line.replace(/ {2,}/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** "On Tue, 3 Mar 2026 at 11:02, Acme <a@b> wrote:" (possibly wrapped over two lines), and its common translations. */
const ATTRIBUTION = /^(On|Am|Le|El|Il|Op)\s.*\b(wrote|schrieb|a écrit|escribió|ha scritto|schreef)\b.*:\s*$/i;
const ORIGINAL_MESSAGE = /^-{2,}\s*Original Message\s*-{2,}$/i;

/**
 * A reply's new text without the quoted history below it: the trailing block of `>` lines and the
 * attribution line above it ("On … wrote:"), or everything after an Outlook "Original Message"
 * separator. Quotes interleaved with answers stay (the answers need them). When trimming would
 * leave nothing, the text is returned whole.
 *
 * @example
 * trimQuotedReply("Thanks!\n\nOn Tue, 3 Mar 2026, Acme wrote:\n> Hi"); // "Thanks!"
 */
export function trimQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let end = lines.length;
  // Drop trailing blank and quoted lines.
  while (end > 0 && (lines[end - 1]!.trim() === "" || lines[end - 1]!.startsWith(">"))) end--;
  const quoted = end < lines.length && lines.slice(end).some((line) => line.startsWith(">"));
  if (quoted) {
    const last = lines[end - 1]?.trim() ?? "";
    const lastTwo = `${lines[end - 2]?.trim() ?? ""} ${last}`;
    if (ATTRIBUTION.test(last)) end -= 1;
    else if (ATTRIBUTION.test(lastTwo)) end -= 2;
  } else {
    end = lines.length;
  }
  const separator = lines.findIndex((line) => ORIGINAL_MESSAGE.test(line.trim()));
  if (separator > 0 && separator < end) end = separator;
  const kept = lines.slice(0, end).join("\n").trim();
  return kept === "" ? text.trim() : kept;
}
