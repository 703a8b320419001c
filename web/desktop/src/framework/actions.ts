/**
 * The Actions framework: every user action in the desktop (accept a reservation, send a message, set an
 * activity …) is a named action invoked through {@link Actions.invokeAction}, so plugins can watch,
 * change, cancel or replace it without touching the screens — the model is Twilio Flex UI's `Actions`.
 *
 * One invocation runs, in order:
 * 1. `before<Name>` listeners, in registration order, each awaited. A listener may mutate the payload (it
 *    gets a shallow copy of what the caller passed, so the caller's object is untouched) and may call
 *    `cancelAction(reason?)`. After a cancel no further before-listener, no implementation and no
 *    after-listener runs, and `invokeAction` RESOLVES with `undefined`: a plugin declining an action is a
 *    normal outcome, not an error, so callers' `catch` blocks (and the ActionFailed notification) only
 *    see real failures. Flex's public docs say only that invokeAction "returns a Promise" and that a
 *    before-listener can abort; resolving is our documented choice. Code that must tell a cancel apart
 *    uses {@link Actions.onStateChange} (phase `"canceled"`, with the reason).
 * 2. The implementation: the one given to `registerAction`, wrapped by every `replaceAction` in turn — the
 *    last replacement runs first and receives the previous implementation as `original`.
 * 3. `after<Name>` listeners, in registration order, with the payload and `{ result }` or `{ error }`.
 * If the implementation throws, after-listeners still run (with `{ error }`) and then `invokeAction`
 * rejects with that error. If any listener throws, `invokeAction` rejects with the listener's error
 * (a before-listener's error also stops the action before it runs).
 * Listener lists are snapshotted at the start of an invocation: adding or removing a listener while
 * an action runs affects the next invocation only.
 */

/** A task as the desktop's actions see it: enough for a plugin to decide on (its attributes). */
export interface TaskRef {
  readonly sid: string;
  readonly queueSid?: string;
  readonly channel?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** The payloads of the built-in actions. Before-listeners may add fields (e.g. a `note`). */
export interface BuiltinActionPayloads {
  AcceptTask: { reservationSid: string; task: TaskRef; note?: string; [extra: string]: unknown };
  RejectTask: { reservationSid: string; task: TaskRef; [extra: string]: unknown };
  WrapupTask: { task: TaskRef; [extra: string]: unknown };
  CompleteTask: { task: TaskRef; disposition?: string; [extra: string]: unknown };
  TransferTask: { task: TaskRef; targetSid: string; mode?: "cold" | "warm"; [extra: string]: unknown };
  /** The customer goes on with a published Studio flow (`FW…`); the agent's task wraps up. */
  SendToFlow: { task: TaskRef; flowSid: string; idempotencyKey?: string; [extra: string]: unknown };
  SetActivity: { activitySid: string; [extra: string]: unknown };
  SelectTask: { taskSid: string | null; [extra: string]: unknown };
  /** `note: true`: an internal note (staff only; a supervisor's whisper), never delivered to the customer. */
  SendMessage: { conversationSid: string; body: string; attachments?: readonly File[]; note?: boolean; [extra: string]: unknown };
  SendTyping: { conversationSid: string; note?: boolean; [extra: string]: unknown };
  SetLanguage: { locale: string; [extra: string]: unknown };
  SetTheme: { theme: string; [extra: string]: unknown };
  ShowNotification: { id: string; context?: Record<string, unknown>; [extra: string]: unknown };
}

export type BuiltinActionName = keyof BuiltinActionPayloads;
/** A built-in name, or any custom name a plugin registers (`(string & {})` keeps editor completion). */
export type ActionName = BuiltinActionName | (string & {});
export type ActionPayload<N extends string> = N extends BuiltinActionName ? BuiltinActionPayloads[N] : Record<string, unknown>;

export const builtinActionNames = [
  "AcceptTask",
  "RejectTask",
  "WrapupTask",
  "CompleteTask",
  "TransferTask",
  "SendToFlow",
  "SetActivity",
  "SelectTask",
  "SendMessage",
  "SendTyping",
  "SetLanguage",
  "SetTheme",
  "ShowNotification",
] as const satisfies readonly BuiltinActionName[];

export type CancelAction = (reason?: string) => void;
export type ActionImpl<P = Record<string, unknown>> = (payload: P) => unknown;
export type ReplacementImpl<P = Record<string, unknown>> = (payload: P, original: (payload: P) => Promise<unknown>) => unknown;
export type BeforeListener<P = Record<string, unknown>> = (payload: P, cancelAction: CancelAction) => unknown;
export type AfterListener<P = Record<string, unknown>> = (
  payload: P,
  outcome: { readonly result?: unknown; readonly error?: unknown },
) => unknown;

/** What {@link Actions.onStateChange} reports: drives spinners, disabled buttons and ActionFailed. */
export type ActionStateEvent =
  | { readonly phase: "started"; readonly name: string; readonly payload: unknown }
  | { readonly phase: "completed"; readonly name: string; readonly payload: unknown; readonly result: unknown }
  | { readonly phase: "canceled"; readonly name: string; readonly payload: unknown; readonly reason: string | undefined }
  | { readonly phase: "failed"; readonly name: string; readonly payload: unknown; readonly error: unknown };

/** Thrown (as a rejection) when an action that nobody registered is invoked. */
export class UnknownActionError extends Error {
  override readonly name = "UnknownActionError";
  constructor(readonly action: string) {
    super(`Action "${action}" is not registered; register it with Actions.registerAction("${action}", impl) first`);
  }
}

type ListenerEvent = `before${string}` | `after${string}` | `replace${string}`;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners are stored untyped, typed at the API
type AnyFn = (...args: any[]) => unknown;

export interface Actions {
  /** Registers (or re-registers) an action's implementation. Returns a function that unregisters it. */
  registerAction<N extends ActionName>(name: N, impl: ActionImpl<ActionPayload<N>>): () => void;
  /** Runs an action through its listeners (see the module comment). Resolves `undefined` when canceled. */
  invokeAction<N extends ActionName>(name: N, payload: ActionPayload<N>): Promise<unknown>;
  addListener<N extends ActionName>(event: `before${N}`, listener: BeforeListener<ActionPayload<N>>): () => void;
  addListener<N extends ActionName>(event: `after${N}`, listener: AfterListener<ActionPayload<N>>): () => void;
  addListener<N extends ActionName>(event: `replace${N}`, listener: ReplacementImpl<ActionPayload<N>>): () => void;
  removeListener(event: ListenerEvent, listener: AnyFn): void;
  /** Wraps an action: the last replacement runs and may call `original(payload)`. Returns a remover. */
  replaceAction<N extends ActionName>(name: N, impl: ReplacementImpl<ActionPayload<N>>): () => void;
  isRegistered(name: ActionName): boolean;
  /** Every invocation's phases, for UI state and error reporting. Returns an unsubscribe function. */
  onStateChange(listener: (event: ActionStateEvent) => void): () => void;
}

const splitEvent = (event: string): { kind: "before" | "after" | "replace"; name: string } => {
  const match = /^(before|after|replace)([A-Z].*)$/.exec(event);
  if (!match) throw new TypeError(`Listener event "${event}" must be before<Action>, after<Action> or replace<Action>`);
  return { kind: match[1] as "before" | "after" | "replace", name: match[2] as string };
};

/**
 * Creates an Actions registry. The desktop creates one; plugins receive it as `api.Actions`.
 *
 * @example
 * const actions = createActions();
 * actions.registerAction("AcceptTask", ({ reservationSid }) => api.accept(reservationSid));
 * actions.addListener("beforeAcceptTask", (payload, cancel) => {
 *   if (payload.task.attributes.blocked === true) cancel("blocked customer");
 * });
 * await actions.invokeAction("AcceptTask", { reservationSid: "WR…", task });
 */
export function createActions(): Actions {
  const impls = new Map<string, AnyFn>();
  const lists = { before: new Map<string, AnyFn[]>(), after: new Map<string, AnyFn[]>(), replace: new Map<string, AnyFn[]>() };
  const stateListeners = new Set<(event: ActionStateEvent) => void>();

  const listFor = (kind: keyof typeof lists, name: string): AnyFn[] => {
    let list = lists[kind].get(name);
    if (!list) lists[kind].set(name, (list = []));
    return list;
  };
  const remove = (kind: keyof typeof lists, name: string, fn: AnyFn): void => {
    const list = lists[kind].get(name);
    const index = list?.indexOf(fn) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
  };
  const emit = (event: ActionStateEvent): void => {
    for (const listener of [...stateListeners]) {
      try {
        listener(event);
      } catch (error) {
        // A broken observer must not change the action's outcome; it is still reported.
        console.error("Actions.onStateChange listener threw", error);
      }
    }
  };

  const add = (event: string, fn: AnyFn): (() => void) => {
    if (typeof fn !== "function") throw new TypeError(`Listener for "${event}" must be a function`);
    const { kind, name } = splitEvent(event);
    listFor(kind, name).push(fn);
    return () => remove(kind, name, fn);
  };

  return {
    registerAction(name, impl) {
      if (typeof impl !== "function") throw new TypeError(`Implementation of action "${name}" must be a function`);
      impls.set(name, impl as AnyFn);
      return () => {
        if (impls.get(name) === impl) impls.delete(name);
      };
    },

    async invokeAction(name, payload) {
      const base = impls.get(name);
      if (!base && !lists.replace.get(name)?.length) throw new UnknownActionError(name);
      const before = [...(lists.before.get(name) ?? [])];
      const after = [...(lists.after.get(name) ?? [])];
      const replacements = [...(lists.replace.get(name) ?? [])];
      const current = { ...(payload as object) } as typeof payload;
      emit({ phase: "started", name, payload: current });

      let canceled: { reason: string | undefined } | null = null;
      const cancelAction: CancelAction = (reason) => {
        canceled ??= { reason };
      };
      try {
        for (const listener of before) {
          await listener(current, cancelAction);
          if (canceled) break;
        }
      } catch (error) {
        emit({ phase: "failed", name, payload: current, error });
        throw error;
      }
      if (canceled) {
        emit({ phase: "canceled", name, payload: current, reason: (canceled as { reason: string | undefined }).reason });
        return undefined;
      }

      // Innermost is the registered implementation; each replacement wraps the one before it.
      let run = async (p: unknown): Promise<unknown> => {
        if (!base) throw new UnknownActionError(name);
        return base(p);
      };
      for (const replacement of replacements) {
        const original = run;
        run = async (p) => replacement(p, original);
      }

      let outcome: { result?: unknown; error?: unknown; failed: boolean };
      try {
        outcome = { result: await run(current), failed: false };
      } catch (error) {
        outcome = { error, failed: true };
      }
      try {
        for (const listener of after) await listener(current, outcome.failed ? { error: outcome.error } : { result: outcome.result });
      } catch (error) {
        emit({ phase: "failed", name, payload: current, error });
        throw error;
      }
      if (outcome.failed) {
        emit({ phase: "failed", name, payload: current, error: outcome.error });
        throw outcome.error;
      }
      emit({ phase: "completed", name, payload: current, result: outcome.result });
      return outcome.result;
    },

    addListener: add as Actions["addListener"],

    removeListener(event, listener) {
      const { kind, name } = splitEvent(event);
      remove(kind, name, listener);
    },

    replaceAction(name, impl) {
      return add(`replace${name}`, impl as AnyFn);
    },

    isRegistered: (name) => impls.has(name) || (lists.replace.get(name)?.length ?? 0) > 0,

    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}
