/**
 * One `advance` call's working state: a private copy of the execution's context and transcript that the
 * widgets change, the steps taken and the effects asked for, and the helpers every widget uses (the
 * Liquid scope, a widget's context, minting effect ids). Effect ids come from the execution SID and a
 * counter kept in the state, so the same state and input always mint the same ids — the FlowDO and the
 * ConversationDO use them as idempotency keys.
 */
import type {
  CalendarStatus,
  EngineHost,
  ExecutionState,
  FlowDefinition,
  FlowEffect,
  FlowMessage,
  FlowStep,
  TranscriptLine,
  WidgetState,
} from "./types";
import { isRecord } from "../../../contract/is-record";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Json = Record<string, unknown>;

export interface Run {
  readonly definition: FlowDefinition;
  readonly widgets: ReadonlyMap<string, WidgetState>;
  readonly host: EngineHost;
  readonly state: Mutable<ExecutionState> & { context: Json & { flow: Json; widgets: Json }; transcript: TranscriptLine[] };
  readonly steps: FlowStep[];
  readonly effects: FlowEffect[];
}

/** A run over a copy of `state` (the caller's state is never changed). */
export function startRun(definition: FlowDefinition, state: ExecutionState, host: EngineHost): Run {
  const context = structuredClone(state.context) as Json;
  const flow = isRecord(context.flow) ? context.flow : {};
  const widgets = isRecord(context.widgets) ? context.widgets : {};
  return {
    definition,
    widgets: new Map(definition.states.map((widget) => [widget.name, widget])),
    host,
    state: { ...state, context: { ...context, flow, widgets }, transcript: [...state.transcript] },
    steps: [],
    effects: [],
  };
}

/** What Liquid sees: Studio's context plus `calendars.<name>.open`. */
export function scope(run: Run): Json {
  return { ...run.state.context, calendars: calendarScope(run.host.calendars) };
}

const calendarScope = (calendars: CalendarStatus) =>
  Object.fromEntries(Object.entries(calendars).map(([name, status]) => [name, { ...status }]));

/** The widget's own context (`widgets.<name>`), created empty on first use. */
export function widgetContext(run: Run, name: string): Json {
  const existing = run.state.context.widgets[name];
  if (isRecord(existing)) return existing;
  const fresh: Json = {};
  run.state.context.widgets[name] = fresh;
  return fresh;
}

/** Replaces a widget's context (a widget entered again starts clean). */
export function resetWidget(run: Run, name: string, context: Json = {}): Json {
  run.state.context.widgets[name] = context;
  return context;
}

/** `flow.variables`, created on first use. */
export function variables(run: Run): Json {
  const existing = run.state.context.flow.variables;
  if (isRecord(existing)) return existing;
  const fresh: Json = {};
  run.state.context.flow.variables = fresh;
  return fresh;
}

/**
 * The next stable id: "<execution SID>-E<n>", n counting every effect the execution asked for.
 * @example
 * mintId(run); // "FN…-E3" when two effects came before
 */
export function mintId(run: Run): string {
  const sid = typeof run.state.context.flow.sid === "string" ? run.state.context.flow.sid : "FN";
  run.state.effects += 1;
  return `${sid}-E${run.state.effects}`;
}

/** Adds an effect with a freshly minted id and answers that id. */
export function addEffect(run: Run, effect: DistributiveOmit<FlowEffect, "id">): string {
  const id = mintId(run);
  run.effects.push({ ...effect, id } as FlowEffect);
  return id;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A number as the stored state will read it back: JSON has no −0 (a neutral sentiment of −0 comes back 0). */
const stored = (value: number): number => (Object.is(value, -0) ? 0 : value);

/**
 * A customer's message as Studio shows it (`trigger.message`, `widgets.<ask>.inbound`): its fields, and the
 * bot's reading as `Intent`, `Confidence`, `Entities`, `Sentiment` when there is one.
 * @example
 * messageFields({ fields: { Body: "refund" }, classification }); // { Body: "refund", Intent: "refund", Confidence: 0.9, … }
 */
export function messageFields(message: FlowMessage): Json {
  const fields: Json = { ...(isRecord(message.fields) ? message.fields : {}) };
  const reading = message.classification;
  if (reading) {
    fields.Intent = reading.intent;
    fields.Confidence = stored(reading.confidence);
    fields.Entities = reading.entities;
    fields.Sentiment = stored(reading.sentiment);
  }
  return fields;
}

/** Adds a customer's message to the transcript, with the bot's reading of it. */
export function heard(run: Run, message: FlowMessage): void {
  const body = typeof message.fields?.Body === "string" ? message.fields.Body : "";
  const reading = message.classification;
  run.state.transcript.push({
    from: "customer",
    body,
    at: run.host.now,
    ...(reading ? { intent: reading.intent, confidence: stored(reading.confidence), sentiment: stored(reading.sentiment) } : {}),
  });
}

/** Adds what the bot said to the transcript. */
export function said(run: Run, body: string): void {
  run.state.transcript.push({ from: "bot", body, at: run.host.now });
}

/** What a widget did when entered or answered: leave by an event, wait, hand off, or end the execution. */
export type Outcome =
  /** Leave by `event`; `transition` picks one of several transitions with that event (a split's matches). */
  | { readonly kind: "leave"; readonly event: string; readonly transition?: number }
  | { readonly kind: "wait"; readonly waiting: NonNullable<ExecutionState["waiting"]> }
  /** send-to-flex's task exists: the step is recorded with `event` and the execution ends, handed off. */
  | { readonly kind: "hand-off"; readonly event: string }
  | { readonly kind: "end"; readonly reason: string };
