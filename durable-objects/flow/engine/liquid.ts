/**
 * Liquid for flows: Studio's templates (`{{trigger.message.Body}}`, `{{flow.variables.x}}`) rendered with
 * liquidjs, synchronously, so the engine stays a pure function. A template that does not parse, names an
 * unknown filter or runs away (a huge range, a deep loop) is a value, never a throw: the widget fails.
 * Unknown variables render empty, as in Studio.
 */
import { Liquid } from "liquidjs";

const liquid = new Liquid({
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  // Runaway templates: parse size and memory bound (deterministic, unlike a render time limit).
  parseLimit: 100_000,
  memoryLimit: 1_000_000,
  cache: 200,
});

export type Rendered = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

/**
 * Renders `template` against `scope`; a non-string template renders as "" (an absent property).
 * @example
 * render("Hi {{contact.name}}", { contact: { name: "Ada" } }); // { ok: true, text: "Hi Ada" }
 * render("{{ x | nope }}", {}); // { ok: false, error: "undefined filter: nope, …" }
 */
export function render(template: unknown, scope: Readonly<Record<string, unknown>>): Rendered {
  if (template === undefined || template === null) return { ok: true, text: "" };
  if (typeof template !== "string") return { ok: true, text: String(template) };
  if (!template.includes("{")) return { ok: true, text: template };
  try {
    return { ok: true, text: liquid.parseAndRenderSync(template, scope) as string };
  } catch (error) {
    return { ok: false, error: `Liquid: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Whether a template parses: null when it does, else why not (the validator warns with it).
 * @example
 * templateProblem("{% if %}"); // "Liquid: invalid value expression: \"\", line:1, col:6"
 */
export function templateProblem(template: string): string | null {
  try {
    liquid.parse(template);
    return null;
  } catch (error) {
    return `Liquid: ${error instanceof Error ? error.message : String(error)}`;
  }
}
