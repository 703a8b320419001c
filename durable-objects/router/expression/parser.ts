/**
 * The grammar: source text to an Expr tree, by recursive descent over the lexer's tokens.
 *
 *   expression := and (("OR" | "||") and)*
 *   and        := primary (("AND" | "&&") primary)*
 *   primary    := "(" expression ")" | operand operator operand
 *   operand    := key | string | number | true | false | "[" (constant ("," constant)*)? "]"
 *   operator   := "==" | "=" | "!=" | ">" | ">=" | "<" | "<=" | IN | NOT IN | HAS | CONTAINS
 *   key        := name ("." name | "[" digits "]")*     (no spaces inside a key)
 *
 * AND/OR chains are built in loops (left-associative) rather than by recursion, and parentheses are
 * counted, so no input can overflow the stack. Keys are resolved to PathRefs here, via scope.ts.
 */

import type { ComparisonOperator, Expr, ExpressionKind, Operand, PathRef, Scalar } from "./ast";
import { END_OF_INPUT, ExpressionSyntaxError, invalid, unexpected } from "./errors";
import { Lexer, type Token } from "./lexer";
import { resolveKey } from "./scope";

/** Longer sources are rejected: expressions are configuration, and this bounds parse time and depth. */
export const MAX_SOURCE_LENGTH = 8192;
/** Deepest parenthesis nesting accepted. */
export const MAX_NESTING = 64;

const EXPECTED_VALUE = "expected a value (a key, a string, a number, true, false or [ … ])";
const EXPECTED_OPERATOR = "expected a comparison operator (==, !=, >, >=, <, <=, IN, NOT IN, HAS or CONTAINS)";
const KEYWORDS: ReadonlySet<string> = new Set(["AND", "OR", "IN", "NOT", "HAS", "CONTAINS"]);

/**
 * Parses `source` as an expression of `kind`. Throws only ExpressionSyntaxError.
 *
 * @example
 * parseExpression("level >= 3", "filter")
 * // { type: "compare", op: ">=", position: 0,
 * //   left: { type: "path", ref: { source: "task.attributes", segments: ["level"] }, text: "level", position: 0 },
 * //   right: { type: "literal", value: 3, position: 9 } }
 */
export function parseExpression(source: string, kind: ExpressionKind): Expr {
  if (source.length > MAX_SOURCE_LENGTH) {
    throw invalid(
      source.slice(MAX_SOURCE_LENGTH, MAX_SOURCE_LENGTH + 1),
      MAX_SOURCE_LENGTH,
      `expression is longer than ${MAX_SOURCE_LENGTH} characters`,
    );
  }
  return new Parser(source, kind).parse();
}

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly kind: ExpressionKind,
  ) {
    this.lexer = new Lexer(source);
    this.tok = this.lexer.next();
  }

  parse(): Expr {
    if (this.tok.type === "eof") {
      throw new ExpressionSyntaxError("Empty expression at position 0: expected a comparison such as type == 'support'", 0, END_OF_INPUT);
    }
    const expr = this.or();
    const tok = this.tok;
    if (tok.type !== "eof") {
      throw unexpected(tok.text, tok.start, tok.type === ")" ? "this ')' closes no '('" : "expected AND, OR or end of input");
    }
    return expr;
  }

  private advance(): Token {
    const tok = this.tok;
    this.tok = this.lexer.next();
    return tok;
  }

  private isWord(upper: string): boolean {
    return this.tok.type === "word" && this.tok.upper === upper;
  }

  private or(): Expr {
    let left = this.and();
    while (this.tok.type === "||" || this.isWord("OR")) {
      this.advance();
      left = Object.freeze({ type: "or" as const, left, right: this.and() });
    }
    return left;
  }

  private and(): Expr {
    let left = this.primary();
    while (this.tok.type === "&&" || this.isWord("AND")) {
      this.advance();
      left = Object.freeze({ type: "and" as const, left, right: this.primary() });
    }
    return left;
  }

  private primary(): Expr {
    if (this.tok.type === "(") {
      const open = this.tok;
      if (this.depth >= MAX_NESTING) throw invalid(open.text, open.start, `parentheses nested deeper than ${MAX_NESTING} levels`);
      this.depth++;
      this.advance();
      const inner = this.or();
      const tok = this.tok;
      if (tok.type !== ")") {
        throw unexpected(
          tok.text,
          tok.start,
          tok.type === "eof" ? `expected ')' to close the '(' at position ${open.start}` : "expected AND, OR or ')'",
        );
      }
      this.advance();
      this.depth--;
      return inner;
    }
    const left = this.operand();
    const op = this.operator();
    const right = this.operand();
    return Object.freeze({ type: "compare" as const, op, left, right, position: left.position });
  }

  private operator(): ComparisonOperator {
    const tok = this.tok;
    if (tok.type === "op") {
      this.advance();
      return tok.op === "=" ? "==" : tok.op;
    }
    if (tok.type === "word") {
      switch (tok.upper) {
        case "IN":
        case "HAS":
        case "CONTAINS":
          this.advance();
          return tok.upper;
        case "NOT": {
          this.advance();
          const next = this.tok;
          if (next.type === "word" && next.upper === "IN") {
            this.advance();
            return "NOT IN";
          }
          throw unexpected(next.text, next.start, "expected IN after NOT (NOT is only allowed as NOT IN)");
        }
      }
    }
    throw unexpected(tok.text, tok.start, EXPECTED_OPERATOR);
  }

  private operand(): Operand {
    const tok = this.tok;
    switch (tok.type) {
      case "string":
      case "number":
        this.advance();
        return literal(tok.value, tok.start);
      case "[":
        return this.list();
      case "word":
        if (tok.upper === "TRUE" || tok.upper === "FALSE") {
          this.advance();
          return literal(tok.upper === "TRUE", tok.start);
        }
        if (KEYWORDS.has(tok.upper)) break;
        return this.key();
    }
    throw unexpected(tok.text, tok.start, EXPECTED_VALUE);
  }

  /** `[` constant, … `]`: strings, numbers and booleans only. */
  private list(): Operand {
    const open = this.advance();
    const values: Scalar[] = [];
    if (this.tok.type === "]") {
      this.advance();
      return literal(Object.freeze(values), open.start);
    }
    for (;;) {
      const tok = this.tok;
      if (tok.type === "string" || tok.type === "number") {
        values.push(tok.value);
      } else if (tok.type === "word" && (tok.upper === "TRUE" || tok.upper === "FALSE")) {
        values.push(tok.upper === "TRUE");
      } else {
        throw unexpected(
          tok.text,
          tok.start,
          tok.type === "word"
            ? "keys are not allowed in a list: expected a string, a number, true or false"
            : "expected a string, a number, true or false",
        );
      }
      this.advance();
      const sep = this.tok;
      if (sep.type === "]") {
        this.advance();
        return literal(Object.freeze(values), open.start);
      }
      if (sep.type !== ",") {
        throw unexpected(
          sep.text,
          sep.start,
          sep.type === "eof" ? `expected ']' to close the '[' at position ${open.start}` : "expected ',' or ']'",
        );
      }
      this.advance();
    }
  }

  /** A key: a name, then `.name` and `[n]` parts written without spaces. */
  private key(): Operand {
    const first = this.advance();
    const segments: (string | number)[] = [first.text];
    let end = first.end;
    for (;;) {
      const tok = this.tok;
      if (tok.start !== end) break;
      if (tok.type === ".") {
        this.advance();
        const name = this.tok;
        if (name.type !== "word" || name.start !== tok.end) {
          throw unexpected(name.text, name.start, "expected a key name right after '.'");
        }
        this.advance();
        segments.push(name.text);
        end = name.end;
      } else if (tok.type === "[") {
        this.advance();
        const index = this.tok;
        if (index.type !== "number" || !/^[0-9]+$/.test(index.text)) {
          throw unexpected(index.text, index.start, "expected an array index (a non-negative integer)");
        }
        this.advance();
        const close = this.tok;
        if (close.type !== "]") throw unexpected(close.text, close.start, "expected ']' after the array index");
        this.advance();
        segments.push(index.value);
        end = close.end;
      } else {
        break;
      }
    }
    const text = this.source.slice(first.start, end);
    const ref: PathRef = Object.freeze(resolveKey(this.kind, segments, text, first.start));
    return Object.freeze({ type: "path" as const, ref, text, position: first.start });
  }
}

function literal(value: Scalar | readonly Scalar[], position: number): Operand {
  return Object.freeze({ type: "literal" as const, value, position });
}
