/**
 * Validation of a Studio flow definition as exported: its shape, every widget's type, required properties
 * and transitions. Real exports pass as they are (editor-only keys such as `offset` are ignored); every
 * error names the widget, its type and a JSON-pointer path (`/states/3/properties/url`), as Studio's own
 * flow `errors` do, so a team can fix an import without guessing. Unreachable widgets, transition events
 * a type never takes and templates that do not parse are warnings: the flow still runs.
 */
import { EVENTS, HTTP_METHODS, REFUSED, contentTypeOf, isOperator, isRunnable, isVoice, type RunnableType } from "./catalogue";
import { templateProblem } from "./liquid";
import type { DefinitionError, FlowDefinition, Validation } from "./types";
import { checkVoice } from "./voice-validate";
import { isRecord } from "../../../contract/is-record";

type Json = Record<string, unknown>;

const isText = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

/** The properties each runnable type cannot run without. */
const REQUIRED: Readonly<Record<RunnableType, readonly string[]>> = {
  trigger: [],
  "send-message": ["body"],
  "send-and-wait-for-reply": ["body"],
  "split-based-on": ["input"],
  "set-variables": [],
  "make-http-request": ["method", "url"],
  "run-function": ["url"],
  "send-to-flex": ["workflow", "channel"],
  // The voice widgets' requirements depend on their other properties: voice-validate.ts.
  "say-play": [],
  "gather-input-on-call": [],
  "record-voicemail": [],
  "connect-call-to": [],
  "enqueue-call": [],
};

/** The properties rendered as Liquid (checked to parse; a problem is a warning). */
const TEMPLATES = [
  ...["body", "input", "url", "to", "from", "media_url", "attributes", "workflow", "channel", "priority", "timeout"],
  ...["say", "play", "voice", "language", "hints", "workflow_sid", "task_attributes"],
];

/**
 * Validates a definition; see engine.ts's `validateDefinition`, which this is.
 * @example
 * validate({ initial_state: "Trigger", states: [{ name: "Trigger", type: "trigger", properties: {}, transitions: [] }] }).ok; // true
 */
export function validate(json: unknown): Validation {
  const errors: DefinitionError[] = [];
  const warnings: DefinitionError[] = [];
  const error = (property_path: string, message: string) => errors.push({ property_path, message });
  // Studio's API sends the definition as a JSON string (its `Definition` parameter); accept both.
  if (typeof json === "string") {
    try {
      json = JSON.parse(json) as unknown;
    } catch (problem) {
      error("", `A flow definition must be JSON: ${problem instanceof Error ? problem.message : String(problem)}`);
      return { ok: false, errors };
    }
  }
  if (!isRecord(json)) {
    error("", "A flow definition is a JSON object with `states` and `initial_state`");
    return { ok: false, errors };
  }
  if (!Array.isArray(json.states) || json.states.length === 0) {
    error("/states", "`states` must be a non-empty list of widgets");
    return { ok: false, errors };
  }
  const states = json.states as unknown[];
  const names = new Map<string, number>();
  states.forEach((state, i) => {
    if (isRecord(state) && isText(state.name)) {
      if (names.has(state.name))
        error(`/states/${i}/name`, `Widget name "${state.name}" is used twice (also /states/${names.get(state.name)})`);
      else names.set(state.name, i);
    }
  });
  const triggers = new Set(
    states.flatMap((state) => (isRecord(state) && state.type === "trigger" && isText(state.name) ? [state.name] : [])),
  );

  states.forEach((state, i) => checkWidget(state, i, names, triggers, errors, warnings));

  const initial = json.initial_state;
  if (!isText(initial)) error("/initial_state", "`initial_state` must name the flow's trigger widget");
  else if (!names.has(initial)) error("/initial_state", `initial_state "${initial}" names no widget`);
  else {
    const trigger = states[names.get(initial)!] as Json;
    if (trigger.type !== "trigger")
      error("/initial_state", `initial_state "${initial}" is a ${String(trigger.type)}; it must be the trigger widget`);
  }
  if (json.description !== undefined && typeof json.description !== "string") error("/description", "`description` must be a string");

  if (errors.length > 0) return { ok: false, errors };
  // Exports may leave out empty `properties` or `transitions`: the engine reads them always present.
  const definition = {
    ...json,
    states: (states as Json[]).map((state) => ({ ...state, properties: state.properties ?? {}, transitions: state.transitions ?? [] })),
  } as unknown as FlowDefinition;
  warnings.push(...unreachable(definition));
  return { ok: true, definition, warnings };
}

function checkWidget(
  state: unknown,
  i: number,
  names: ReadonlyMap<string, number>,
  triggers: ReadonlySet<string>,
  errors: DefinitionError[],
  warnings: DefinitionError[],
) {
  const at = `/states/${i}`;
  const error = (path: string, message: string) => errors.push({ property_path: `${at}${path}`, message });
  if (!isRecord(state)) return error("", "A widget is an object with name, type, properties and transitions");
  if (!isText(state.name)) error("/name", "A widget needs a non-empty `name`");
  if (!isText(state.type)) return error("/type", `Widget ${label(state.name)} needs a \`type\``);
  const widget = `Widget "${String(state.name)}" of type ${state.type}`;
  if (Object.hasOwn(REFUSED, state.type)) return error("/type", `${widget} ${REFUSED[state.type]}`);
  if (!isRunnable(state.type)) return error("/type", `${widget}: unknown widget type "${state.type}"`);
  const type = state.type;

  const properties = state.properties ?? {};
  if (!isRecord(properties)) return error("/properties", `${widget}: \`properties\` must be an object`);
  for (const key of REQUIRED[type]) {
    if (!isText(properties[key])) error(`/properties/${key}`, `${widget} is missing its required property \`${key}\``);
  }
  for (const key of TEMPLATES) {
    const problem = typeof properties[key] === "string" ? templateProblem(properties[key]) : null;
    if (problem) warnings.push({ property_path: `${at}/properties/${key}`, message: `${widget}: ${problem}` });
  }
  const report = (path: string, message: string) => error(`/properties${path}`, `${widget} ${message}`);
  if (isVoice(type))
    checkVoice(type, properties, report, (path, message) =>
      warnings.push({ property_path: `${at}/properties${path}`, message: `${widget} ${message}` }),
    );
  else checkProperties(type, properties, report);

  const transitions = state.transitions ?? [];
  if (!Array.isArray(transitions)) return error("/transitions", `${widget}: \`transitions\` must be a list`);
  transitions.forEach((transition: unknown, j: number) => {
    const path = `/transitions/${j}`;
    if (!isRecord(transition) || !isText(transition.event)) return error(path, `${widget}: transition ${j} needs an \`event\``);
    if (!EVENTS[type].includes(transition.event)) {
      warnings.push({ property_path: `${at}${path}/event`, message: `${widget} never takes the transition event "${transition.event}"` });
    }
    const next = transition.next;
    if (next !== undefined && next !== null && next !== "") {
      if (typeof next !== "string" || !names.has(next))
        error(`${path}/next`, `${widget}: transition "${transition.event}" goes to "${String(next)}", which is no widget`);
      else if (triggers.has(next))
        error(
          `${path}/next`,
          `${widget}: transition "${transition.event}" goes back to the trigger "${next}"; a flow cannot re-enter its trigger`,
        );
    }
    if (type === "split-based-on" && transition.event === "match")
      checkConditions(transition.conditions, `${path}/conditions`, widget, error);
  });
}

function checkProperties(type: RunnableType, properties: Json, error: (path: string, message: string) => void) {
  switch (type) {
    case "make-http-request": {
      const method = properties.method;
      if (isText(method) && !(HTTP_METHODS as readonly string[]).includes(method.toUpperCase())) {
        error("/method", `has method "${method}"; Studio's HTTP widget sends ${HTTP_METHODS.join(" or ")}`);
      }
      if (properties.content_type !== undefined && contentTypeOf(properties.content_type) === null) {
        error(
          "/content_type",
          `has content type "${String(properties.content_type)}"; use application/x-www-form-urlencoded or application/json`,
        );
      }
      checkParameters(properties.parameters, error);
      return;
    }
    case "run-function":
      return checkParameters(properties.parameters, error);
    case "set-variables": {
      const variables = properties.variables ?? [];
      if (!Array.isArray(variables)) return error("/variables", "has `variables` that is not a list of {key, value}");
      variables.forEach((variable: unknown, k: number) => {
        if (!isRecord(variable) || !isText(variable.key)) error(`/variables/${k}/key`, `has variable ${k} without a \`key\``);
      });
      return;
    }
    case "send-and-wait-for-reply":
      return checkSeconds(properties.timeout, "/timeout", error);
    case "send-to-flex":
      checkSeconds(properties.timeout, "/timeout", error);
      return checkSeconds(properties.priority, "/priority", error);
    case "trigger":
    case "send-message":
    case "split-based-on":
    case "say-play":
    case "gather-input-on-call":
    case "record-voicemail":
    case "connect-call-to":
    case "enqueue-call":
      return;
    default: {
      const unreachableType: never = type;
      return unreachableType;
    }
  }
}

/** A whole number of seconds (or a template that renders to one at run time). */
function checkSeconds(value: unknown, path: string, error: (path: string, message: string) => void) {
  if (value === undefined || value === null || value === "") return;
  if (
    typeof value === "number"
      ? Number.isInteger(value) && value >= 0
      : typeof value === "string" && (/^\s*\d+\s*$/.test(value) || value.includes("{{"))
  )
    return;
  error(path, `has ${path.slice(1)} "${String(value)}"; it must be a whole number`);
}

function checkParameters(parameters: unknown, error: (path: string, message: string) => void) {
  if (parameters === undefined) return;
  if (!Array.isArray(parameters)) return error("/parameters", "has `parameters` that is not a list of {key, value}");
  parameters.forEach((parameter: unknown, k: number) => {
    if (!isRecord(parameter) || !isText(parameter.key)) error(`/parameters/${k}/key`, `has parameter ${k} without a \`key\``);
  });
}

function checkConditions(conditions: unknown, at: string, widget: string, error: (path: string, message: string) => void) {
  if (!Array.isArray(conditions) || conditions.length === 0) return error(at, `${widget}: a "match" transition needs its conditions`);
  conditions.forEach((condition: unknown, k: number) => {
    const path = `${at}/${k}`;
    if (!isRecord(condition)) return error(path, `${widget}: condition ${k} must be an object`);
    if (typeof condition.type !== "string" || !isOperator(condition.type)) {
      return error(`${path}/type`, `${widget}: condition ${k} has unknown operator "${String(condition.type)}"`);
    }
    if (condition.value !== undefined && typeof condition.value !== "string")
      error(`${path}/value`, `${widget}: condition ${k}'s value must be a string`);
    if (condition.type === "regex" && typeof condition.value === "string" && !condition.value.includes("{{")) {
      try {
        new RegExp(condition.value);
      } catch {
        error(`${path}/value`, `${widget}: condition ${k}'s regex "${condition.value}" does not compile`);
      }
    }
  });
}

/** Warnings for widgets no transition reaches from the initial state. */
function unreachable(definition: FlowDefinition): DefinitionError[] {
  const byName = new Map(definition.states.map((state) => [state.name, state]));
  const seen = new Set<string>([definition.initial_state]);
  const queue = [definition.initial_state];
  while (queue.length > 0) {
    for (const transition of byName.get(queue.pop()!)?.transitions ?? []) {
      if (transition.next && !seen.has(transition.next)) {
        seen.add(transition.next);
        queue.push(transition.next);
      }
    }
  }
  return definition.states.flatMap((state, i) =>
    seen.has(state.name)
      ? []
      : [{ property_path: `/states/${i}`, message: `Widget "${state.name}" of type ${state.type} is never reached` }],
  );
}

const label = (name: unknown) => (isText(name) ? `"${name}"` : "(unnamed)");
