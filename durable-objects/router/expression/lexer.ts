/**
 * Turns expression source into tokens, one at a time, on demand. Lexing lazily (rather than up front)
 * means the first error in reading order is the one reported, whether it is a lexical one (an
 * unterminated string) or a grammatical one the parser finds earlier. Keywords are not special here: a
 * word is a word, and the parser decides whether it is `AND` or a key segment called `and`.
 *
 * Keys are the one place where what came before matters. A `.` written right after a word or a `]` is a
 * key's separator, never the start of a number (`a.5` is not `a` then 0.5), and the segment written
 * right after that dot is a word even when it starts with a digit or is digits only (`levels.9am`,
 * `skills.2`), as Twilio's attribute documents allow such keys. A bare key still starts with a letter,
 * `_` or `$`, so `9 == 9` stays a comparison of numbers.
 */

import { END_OF_INPUT, unexpected } from "./errors";

interface TokenBase {
  /** The token exactly as written (for a string, with its quotes). */
  readonly text: string;
  /** 0-based offset of the first character. */
  readonly start: number;
  /** Offset just past the last character; `start === end` only for end of input. */
  readonly end: number;
}

export type Token =
  | (TokenBase & { readonly type: "word"; /** `text` upper-cased, for case-insensitive keywords. */ readonly upper: string })
  | (TokenBase & { readonly type: "string"; readonly value: string })
  | (TokenBase & { readonly type: "number"; readonly value: number })
  | (TokenBase & { readonly type: "op"; readonly op: "==" | "=" | "!=" | ">" | ">=" | "<" | "<=" })
  | (TokenBase & { readonly type: "&&" | "||" | "(" | ")" | "[" | "]" | "," | "." | "eof" });

const WORD_START = /[A-Za-z_$]/;
const WORD_PART = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;
const WHITESPACE = /\s/;

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && DIGIT.test(ch);
}

/**
 * A cursor over the source producing one token per `next()` call; after the end it keeps returning an
 * `eof` token whose text is `"end of input"`.
 *
 * @example
 * const lexer = new Lexer("level >= 3");
 * lexer.next(); // { type: "word", text: "level", start: 0, end: 5, upper: "LEVEL" }
 * lexer.next(); // { type: "op", op: ">=", text: ">=", start: 6, end: 8 }
 */
export class Lexer {
  private pos = 0;
  /** Where the last word or `]` ended: a `.` exactly there separates key segments. */
  private keyEnd = -1;
  /** Where the last key separator ended: a segment exactly there may start with a digit. */
  private segmentAt = -1;

  constructor(private readonly src: string) {}

  next(): Token {
    const src = this.src;
    let pos = this.pos;
    while (pos < src.length && WHITESPACE.test(src.charAt(pos))) pos++;
    if (pos >= src.length) {
      this.pos = pos;
      return { type: "eof", text: END_OF_INPUT, start: pos, end: pos };
    }
    const start = pos;
    const ch = src.charAt(pos);
    const ch1 = src.charAt(pos + 1);

    if (WORD_START.test(ch) || (start === this.segmentAt && WORD_PART.test(ch))) {
      pos++;
      while (pos < src.length && WORD_PART.test(src.charAt(pos))) pos++;
      const text = src.slice(start, pos);
      this.pos = this.keyEnd = pos;
      return { type: "word", text, upper: text.toUpperCase(), start, end: pos };
    }
    if (ch === "." && start === this.keyEnd) {
      this.segmentAt = start + 1;
      return this.punct(".", start, 1);
    }
    if (isDigit(ch) || (ch === "." && isDigit(ch1)) || (ch === "-" && (isDigit(ch1) || (ch1 === "." && isDigit(src.charAt(pos + 2)))))) {
      return this.number(start);
    }
    if (ch === "'" || ch === '"') return this.string(start, ch);

    const two = src.slice(pos, pos + 2);
    if (two === "==" || two === "!=" || two === ">=" || two === "<=") return this.punct("op", start, 2, two);
    if (two === "&&" || two === "||") return this.punct(two, start, 2);
    switch (ch) {
      case "=":
      case ">":
      case "<":
        return this.punct("op", start, 1, ch);
      case "]":
        this.keyEnd = start + 1;
        return this.punct(ch, start, 1);
      case "(":
      case ")":
      case "[":
      case ",":
      case ".":
        return this.punct(ch, start, 1);
      case "!":
        throw unexpected(ch, start, "expected '!=' (there is no NOT operator other than NOT IN)");
      case "&":
        throw unexpected(ch, start, "expected '&&'");
      case "|":
        throw unexpected(ch, start, "expected '||'");
      case "-":
        throw unexpected(ch, start, "hyphens are not allowed in keys, and '-' may only be the sign of a number");
      default: {
        const cp = src.codePointAt(pos) ?? 0;
        throw unexpected(String.fromCodePoint(cp), start, "this character is not part of the expression language");
      }
    }
  }

  private punct(type: "op", start: number, length: number, op: string): Token;
  private punct(type: "&&" | "||" | "(" | ")" | "[" | "]" | "," | ".", start: number, length: number): Token;
  private punct(type: string, start: number, length: number, op?: string): Token {
    const end = start + length;
    this.pos = end;
    const text = this.src.slice(start, end);
    if (type === "op") return { type: "op", op: op as "==", text, start, end };
    return { type: type as "(", text, start, end };
  }

  /** `-`? then digits with an optional fraction, or a bare fraction: `5`, `0800`, `1.00`, `-5`, `.5`. */
  private number(start: number): Token {
    const src = this.src;
    let pos = start;
    if (src.charAt(pos) === "-") pos++;
    while (isDigit(src.charAt(pos))) pos++;
    if (src.charAt(pos) === "." && isDigit(src.charAt(pos + 1))) {
      pos++;
      while (isDigit(src.charAt(pos))) pos++;
    }
    const text = src.slice(start, pos);
    const value = Number(text);
    if (!Number.isFinite(value)) throw unexpected(text, start, "number is too large");
    this.pos = pos;
    // `-0` would otherwise survive as a distinct value in the AST; it compares equal to 0 anyway.
    return { type: "number", text, value: value === 0 ? 0 : value, start, end: pos };
  }

  /** A quoted string; a backslash escapes the quote character or a backslash, and is kept before anything else. */
  private string(start: number, quote: string): Token {
    const src = this.src;
    let pos = start + 1;
    let value = "";
    let chunk = pos;
    while (pos < src.length) {
      const ch = src.charAt(pos);
      if (ch === quote) {
        value += src.slice(chunk, pos);
        pos++;
        this.pos = pos;
        return { type: "string", text: src.slice(start, pos), value, start, end: pos };
      }
      if (ch === "\\") {
        const escaped = src.charAt(pos + 1);
        if (escaped === quote || escaped === "\\") {
          value += src.slice(chunk, pos) + escaped;
          pos += 2;
          chunk = pos;
          continue;
        }
      }
      pos++;
    }
    throw unexpected(src.slice(start), start, `unterminated string: no closing ${quote}`);
  }
}
