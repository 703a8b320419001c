// docs/errors.md as the Worker serves it: every error body's `more_info` opens the page of its code.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import errorsMarkdown from "../../docs/errors.md";
import { parseErrorDocs } from "../../workers/docs/error-codes";

const BASE = "http://switchboard.test";
const documented = parseErrorDocs(errorsMarkdown).sections.flatMap((s) => (s.code === null ? [] : [s]));

interface ErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

describe("more_info", { timeout: 30_000 }, () => {
  it("links an error to its code's page on the origin that answered, and that page explains it", async () => {
    const res = await exports.default.fetch(`${BASE}/taskrouter/v1/Workspaces`);
    const body = (await res.json()) as ErrorBody;
    expect(body).toMatchObject({ code: 20003, status: 401, more_info: `${BASE}/docs/errors/20003` });

    const page = await exports.default.fetch(body.more_info);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("<h1>20003 Authentication failed</h1>");
    expect(html).toContain("the account SID and auth token that <code>npm start</code> printed");
    expect(html).toContain('<link rel="icon" href="/favicon.svg"');
  });

  it("follows the host the client called (a custom domain gets its own links)", async () => {
    const res = await exports.default.fetch("https://support.acme.example/no-such-path");
    expect(((await res.json()) as ErrorBody).more_info).toBe("https://support.acme.example/docs/errors/20404");
  });
});

describe("GET /docs/errors", () => {
  it("lists every documented code with an anchor, so /docs/errors#<code> lands on it", async () => {
    const html = await (await exports.default.fetch(`${BASE}/docs/errors`)).text();
    expect(documented.length).toBeGreaterThan(10);
    for (const doc of documented)
      expect(html, String(doc.code)).toContain(`<section id="${doc.code}"><h2><a href="#${doc.code}">${doc.code} `);
  });

  it.each(documented.map((doc) => [doc.code, doc.title]))("serves /docs/errors/%i on its own page (%s)", async (code, title) => {
    const res = await exports.default.fetch(`${BASE}/docs/errors/${code}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<h1>${code} ${title.replace(/'/g, "&#39;")}</h1>`);
    expect(html).toContain("<strong>Fix:</strong>");
  });

  it("answers a generic 20000 + status code with the section on the HTTP layer's codes", async () => {
    const html = await (await exports.default.fetch(`${BASE}/docs/errors/20405`)).text();
    expect(html).toContain("<h1>20405 (Other codes)</h1>");
    expect(html).toContain("20000 plus the HTTP status");
  });

  it.each([
    ["12345", "no error code 12345"],
    ["abc", "no error code abc"],
    ["200011", "no error code 200011"],
  ])("answers /docs/errors/%s with a 404 naming it", async (code, named) => {
    const res = await exports.default.fetch(`${BASE}/docs/errors/${code}`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as ErrorBody;
    expect(body).toMatchObject({ code: 20404, status: 404 });
    expect(body.message).toContain(named);
  });
});

it("describes the pages in /openapi.json", async () => {
  const doc = (await (await exports.default.fetch(`${BASE}/openapi.json`)).json()) as {
    paths: Record<string, { get?: { security: unknown[] } }>;
  };
  expect(doc.paths["/docs/errors"]?.get?.security).toEqual([]);
  expect(doc.paths["/docs/errors/{Code}"]?.get?.security).toEqual([]);
});
