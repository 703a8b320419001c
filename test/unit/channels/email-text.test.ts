/** What an agent reads of an email: HTML as text, and a reply without its quoted history. */
import { describe, expect, it } from "vitest";
import { decodeEntities, htmlToText, trimQuotedReply } from "../../../channels/email-text";

describe("htmlToText", () => {
  it.each([
    ["<p>Hello&nbsp;there</p><ul><li>one</li><li>two</li></ul>", "Hello there\n\n- one\n- two"],
    ["line<br>break<br/>again", "line\nbreak\nagain"],
    ["<style>b{}</style><script>alert(1)</script><!-- secret --><b>bold</b>", "bold"],
    ["&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"],
    // The source's own line breaks are only spaces; adjacent blocks give one break, paragraphs a blank line
    ["<div>a</div>\n\n\n\n<div>b</div>", "a\nb"],
    ["<p>a</p><p>b</p>", "a\n\nb"],
    ["plain\nsource\ntext", "plain source text"],
    ["   spaced    out   ", "spaced out"],
  ])("%j → %j", (html, text) => expect(htmlToText(html)).toBe(text));
});

describe("decodeEntities", () => {
  it.each([
    ["Tom &amp; Jerry &#39;24", "Tom & Jerry '24"],
    ["&#x1F600; &eacute;", "😀 &eacute;"],
    ["&#0; &#xD800; &#99999999;", "\uFFFD \uFFFD \uFFFD"],
  ])("%j → %j", (text, decoded) => expect(decodeEntities(text)).toBe(decoded));
});

describe("trimQuotedReply", () => {
  it.each([
    ["Thanks!\n\nOn Tue, 3 Mar 2026 at 11:02, Acme <a@b.c> wrote:\n> Hi\n> there", "Thanks!"],
    // Gmail wraps a long attribution over two lines
    ["Thanks!\n\nOn Tue, 3 Mar 2026 at 11:02, Acme Support Team\n<support@acme.test> wrote:\n> Hi", "Thanks!"],
    ["Danke!\n\nAm 03.03.2026 um 11:02 schrieb Acme:\n> Hallo", "Danke!"],
    ["Fine.\n\n-----Original Message-----\nFrom: Acme\nSent: today\n\nHello", "Fine."],
    // Interleaved answers keep the quotes they answer
    ["> Can you ship today?\nYes.\n> And tomorrow?\nNo.", "> Can you ship today?\nYes.\n> And tomorrow?\nNo."],
    // Only quotes: nothing would be left, so the whole text stays
    ["> just a quote", "> just a quote"],
    ["No quotes at all\n", "No quotes at all"],
  ])("%j → %j", (text, trimmed) => expect(trimQuotedReply(text)).toBe(trimmed));
});
