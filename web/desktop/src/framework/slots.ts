/**
 * Named UI slots: the places in the desktop where plugins add, replace or remove components — Flex's
 * `Component.Content.add/replace/remove`, without tying the registry to React. A slot holds ordered
 * entries; the React layer renders `entries(slot, props)` and re-renders on `subscribe`. A component
 * is whatever the renderer understands: a React component, or a {@link DomComponent} (`mount(el,
 * props)`), which a plain ES-module plugin can write with no build step and no React of its own.
 *
 * Slots (props each receives):
 * - `MainHeader` — { user }                          top bar, right of the activity selector
 * - `AgentDesktop.TaskList` — { tasks }              items above/below the task list
 * - `TaskCanvas.Header` — { task }                   the selected task's header (buttons go here)
 * - `TaskCanvas.Tabs` — { task }                     tabs of the selected task (Chat, Info, …)
 * - `ChatPanel.Composer` — { task, conversationSid } next to the composer's send button
 * - `CustomerPanel` — { task }                       the right-hand customer / CRM panel
 * - `NotificationBar` — { notification }             custom renderers for notifications
 * - `Supervisor.Teams.Columns` — { worker }          extra columns in the Teams table
 * - `Supervisor.QueueStats.Columns` — { queue }      extra columns in Queue Stats
 * Custom slot names are allowed (a plugin's own component can expose slots too).
 */

export const slotNames = [
  "MainHeader",
  "AgentDesktop.TaskList",
  "TaskCanvas.Header",
  "TaskCanvas.Tabs",
  "ChatPanel.Composer",
  "CustomerPanel",
  "NotificationBar",
  "Supervisor.Teams.Columns",
  "Supervisor.QueueStats.Columns",
] as const;
export type BuiltinSlotName = (typeof slotNames)[number];
export type SlotName = BuiltinSlotName | (string & {});
export type SlotProps = Readonly<Record<string, unknown>>;

/** A component any renderer can show: it fills `element` and may return a cleanup function. */
export interface DomComponent {
  mount(element: HTMLElement, props: SlotProps): void | (() => void);
}
export const isDomComponent = (component: unknown): component is DomComponent =>
  typeof component === "object" && component !== null && typeof (component as DomComponent).mount === "function";

export interface SlotEntry {
  /** Unique within the slot; adding an existing key replaces that entry (plugins can re-run safely). */
  readonly key: string;
  readonly component: unknown;
  /** Ascending; ties keep insertion order. Built-ins use multiples of 10. Default: after everything. */
  readonly sortOrder?: number;
  /** Shown only when this returns true for the slot's props. A throwing predicate hides the entry. */
  readonly if?: (props: SlotProps) => boolean;
}

export interface Slots {
  add(slot: SlotName, entry: SlotEntry): void;
  /** Removes everything in the slot (built-ins too) and puts this entry in their place. */
  replace(slot: SlotName, entry: SlotEntry): void;
  /** Removes one entry by key; returns whether it was there. */
  remove(slot: SlotName, key: string): boolean;
  /** The visible entries for these props, in order. */
  entries(slot: SlotName, props?: SlotProps): SlotEntry[];
  /** Called with the slot's name after every change. Returns an unsubscribe function. */
  subscribe(listener: (slot: SlotName) => void): () => void;
}

export interface SlotsOptions {
  /** Reports a throwing `if` predicate (defaults to console.error); the entry is hidden. */
  onError?: (slot: SlotName, key: string, error: unknown) => void;
}

/**
 * Creates the slot registry; the desktop adds its built-in components, plugins add theirs.
 *
 * @example
 * const slots = createSlots();
 * slots.add("CustomerPanel", { key: "orders", component: OrdersPanel, sortOrder: 20, if: ({ task }) => task != null });
 * slots.entries("CustomerPanel", { task }); // [{ key: "orders", … }]
 */
export function createSlots(options: SlotsOptions = {}): Slots {
  const onError = options.onError ?? ((slot, key, error) => console.error(`Slot ${slot}: predicate of "${key}" threw`, error));
  const slots = new Map<string, Array<SlotEntry & { seq: number }>>();
  const listeners = new Set<(slot: SlotName) => void>();
  let seq = 0;

  const check = (slot: SlotName, entry: SlotEntry): void => {
    if (typeof slot !== "string" || slot === "") throw new TypeError("Slot name must be a non-empty string");
    if (typeof entry?.key !== "string" || entry.key === "") throw new TypeError(`Entry for slot ${slot} needs a non-empty string key`);
    if (entry.component === undefined || entry.component === null)
      throw new TypeError(`Entry "${entry.key}" in slot ${slot} has no component`);
    if (entry.sortOrder !== undefined && !Number.isFinite(entry.sortOrder))
      throw new TypeError(`sortOrder of "${entry.key}" must be a finite number`);
    if (entry.if !== undefined && typeof entry.if !== "function") throw new TypeError(`"if" of "${entry.key}" must be a function`);
  };
  const changed = (slot: SlotName): void => {
    for (const listener of [...listeners]) listener(slot);
  };

  return {
    add(slot, entry) {
      check(slot, entry);
      const list = (slots.get(slot) ?? []).filter((e) => e.key !== entry.key);
      list.push({ ...entry, seq: seq++ });
      slots.set(slot, list);
      changed(slot);
    },
    replace(slot, entry) {
      check(slot, entry);
      slots.set(slot, [{ ...entry, seq: seq++ }]);
      changed(slot);
    },
    remove(slot, key) {
      const list = slots.get(slot) ?? [];
      const next = list.filter((e) => e.key !== key);
      if (next.length === list.length) return false;
      slots.set(slot, next);
      changed(slot);
      return true;
    },
    entries(slot, props = {}) {
      return (slots.get(slot) ?? [])
        .filter((entry) => {
          if (!entry.if) return true;
          try {
            return entry.if(props) === true;
          } catch (error) {
            onError(slot, entry.key, error);
            return false;
          }
        })
        .sort((a, b) => (a.sortOrder ?? Infinity) - (b.sortOrder ?? Infinity) || a.seq - b.seq)
        .map(({ seq: _seq, ...entry }) => entry);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
