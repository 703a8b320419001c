/**
 * Which business calendars an expression or a workflow's expressions name
 * (`taskrouter.calendars.<name>.open`), and where: so a workflow or a TaskQueue naming a calendar the
 * workspace lacks is refused when it is saved (a 400 naming the calendar and the expression's path), and
 * a calendar one names cannot be deleted from under it (the WorkspaceDO's 409).
 */
import type { CompiledExpression, Expr } from "../expression";

/** What of a configuration is read here (structurally: configuration.ts imports this module). */
interface ExpressionsOf {
  readonly filters: readonly {
    readonly expression: CompiledExpression;
    readonly targets: readonly { readonly expression?: CompiledExpression; readonly skipIf?: CompiledExpression }[];
  }[];
  readonly defaultFilter: { readonly expression?: CompiledExpression } | null;
}

/**
 * The calendar names one expression reads.
 *
 * @example
 * calendarRefs(compileExpression("taskrouter.calendars.night.open == true AND skills HAS 'x'", "queue")) // ["night"]
 */
export function calendarRefs(expression: CompiledExpression | undefined): string[] {
  if (!expression) return [];
  const names: string[] = [];
  const stack: Expr[] = [expression.ast];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type !== "compare") {
      stack.push(node.left, node.right);
      continue;
    }
    for (const operand of [node.left, node.right])
      if (operand.type === "path" && operand.ref.source === "calendar") names.push(operand.ref.name);
  }
  return names;
}

/**
 * Every calendar a configuration's expressions name, with the JSON path of the expression.
 *
 * @example
 * configurationCalendars(config) // [{ path: "task_routing.filters[0].expression", name: "support" }]
 */
export function configurationCalendars(configuration: ExpressionsOf): { path: string; name: string }[] {
  const found: { path: string; name: string }[] = [];
  const add = (path: string, expression: CompiledExpression | undefined) => {
    for (const name of calendarRefs(expression)) found.push({ path, name });
  };
  configuration.filters.forEach((filter, i) => {
    add(`task_routing.filters[${i}].expression`, filter.expression);
    filter.targets.forEach((target, j) => {
      add(`task_routing.filters[${i}].targets[${j}].expression`, target.expression);
      add(`task_routing.filters[${i}].targets[${j}].skip_if`, target.skipIf);
    });
  });
  add("task_routing.default_filter.expression", configuration.defaultFilter?.expression);
  return found;
}
