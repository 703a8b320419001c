/**
 * docs/errors.md against the source: every error code the Worker and the Durable Objects answer with has
 * its section (what it means, how to fix it), and every section is a code still in use. The codes are
 * read from the TypeScript syntax tree (numeric literals in Twilio's 20xxx, 50xxx and Studio's 81xxx ranges), so
 * comments and strings that mention a code do not count.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { errorDocFor, parseErrorDocs } from "../../workers/docs/error-codes";

const root = join(import.meta.dirname, "..", "..");
const docs = parseErrorDocs(readFileSync(join(root, "docs", "errors.md"), "utf8"));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Numeric literals in 20000–20999, 50000–50999 and 81000–81999, with the files they are in. Quantities are written
 * with separators (`20_000` ms), codes never are; workers/docs/ only describes the codes.
 */
function codesInSource(): Map<number, string[]> {
  const found = new Map<number, string[]>();
  const layers = ["workers", "durable-objects", "channels", "callbacks", "platform", "contract"];
  const files = layers.flatMap(sourceFiles).filter((file) => !file.includes(join("workers", "docs")));
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    const visit = (node: ts.Node): void => {
      if (ts.isNumericLiteral(node) && !node.getText(source).includes("_")) {
        const value = Number(node.text);
        if ((value >= 20000 && value <= 20999) || (value >= 50000 && value <= 50999) || (value >= 81000 && value <= 81999)) {
          found.set(value, [...(found.get(value) ?? []), file.slice(root.length + 1)]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

const used = codesInSource();
// 20000 is not a code: it is the base of Twilio's generic family (20000 + HTTP status) in workers/http/errors.ts.
const usedCodes = [...used.keys()].filter((code) => code !== 20000).sort();

describe("docs/errors.md", () => {
  it("finds the codes in the source (the scan itself works)", () => {
    // Codes known to be answered: an invalid parameter, a missing resource, a taken unique name.
    expect(usedCodes).toEqual(expect.arrayContaining([20001, 20404, 50353]));
    expect(used.get(20000)).toEqual(["workers/http/errors.ts"]);
  });

  it.each(usedCodes.map((code) => [code, used.get(code)!.join(", ")]))("documents %i (used in %s)", (code) => {
    const doc = errorDocFor(docs, code);
    expect(doc?.code, `docs/errors.md has no "## ${code} <title>" section`).toBe(code);
    expect(doc?.body).toMatch(/^HTTP \d{3}/);
    expect(doc?.body).toContain("**Fix:**");
  });

  it("documents the generic family (20000 + HTTP status) that the HTTP layer may answer with", () => {
    expect(errorDocFor(docs, 20405)).toMatchObject({ code: null, title: "Other codes" });
    expect(errorDocFor(docs, 20405)?.body).toContain("20000 plus the HTTP status");
  });

  it("documents no code the source no longer uses", () => {
    const documented = docs.sections.flatMap((section) => (section.code === null ? [] : [section.code]));
    expect(documented.filter((code) => !used.has(code))).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });
});

describe("parseErrorDocs", () => {
  const parsed = parseErrorDocs("# Codes\n\nIntro **text**.\n\n## 20001 Invalid parameter\n\nHTTP 400.\n\n## Other codes\n\nThe rest.\n");

  it("splits the title, the introduction and one section per code", () => {
    expect(parsed).toEqual({
      title: "Codes",
      intro: "Intro **text**.",
      sections: [
        { code: 20001, title: "Invalid parameter", body: "HTTP 400." },
        { code: null, title: "Other codes", body: "The rest." },
      ],
    });
  });

  it.each([
    [20001, "Invalid parameter"],
    [20404, "Other codes"], // generic: no section of its own here
    [20599, "Other codes"],
    [20600, undefined],
    [50353, undefined],
    [19999, undefined],
  ])("finds the section for %i: %s", (code, title) => {
    expect(errorDocFor(parsed, code)?.title).toBe(title);
  });
});
