/**
 * The one error type the expression compiler throws. Owning it in its own module keeps the parser, the
 * lexer and the public API agreeing on a single shape: a 0-based character offset and the text of the
 * offending token, so an API layer can echo both back to whoever wrote the expression.
 */

/** Shown as the token when the expression ended where something more was needed. */
export const END_OF_INPUT = "end of input";

/**
 * A TaskRouter expression that cannot be compiled. `position` is the 0-based character offset (UTF-16
 * code units, as JavaScript indexes strings) of `token`, the offending token's text or `"end of input"`.
 *
 * @example
 * try { compileExpression("type ==", "filter"); }
 * catch (e) { if (e instanceof ExpressionSyntaxError) console.log(e.position, e.token); } // 7 "end of input"
 */
export class ExpressionSyntaxError extends Error {
  readonly position: number;
  readonly token: string;

  constructor(message: string, position: number, token: string) {
    super(message);
    this.name = "ExpressionSyntaxError";
    this.position = position;
    this.token = token;
  }
}

/** How a token is quoted inside a message: `'AND'`, `"'x"`, or bare `end of input`. */
function describeToken(token: string): string {
  if (token === END_OF_INPUT) return token;
  const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
  // A string token carries its own quotes; wrap it in the other kind so the message stays readable.
  return shown.includes("'") && !shown.includes('"') ? `"${shown}"` : `'${shown}'`;
}

/**
 * Builds the usual "Unexpected X at position N: expected Y" error.
 *
 * @example
 * unexpected("AND", 12, "expected a value").message // "Unexpected 'AND' at position 12: expected a value"
 */
export function unexpected(token: string, position: number, detail: string): ExpressionSyntaxError {
  return new ExpressionSyntaxError(`Unexpected ${describeToken(token)} at position ${position}: ${detail}`, position, token);
}

/**
 * Builds an error about a token that is well-formed but not allowed, e.g. an unknown `taskrouter.*` key.
 *
 * @example
 * invalid("taskrouter.foo", 0, "unknown key").message // "Invalid 'taskrouter.foo' at position 0: unknown key"
 */
export function invalid(token: string, position: number, detail: string): ExpressionSyntaxError {
  return new ExpressionSyntaxError(`Invalid ${describeToken(token)} at position ${position}: ${detail}`, position, token);
}
