/**
 * The notifications framework: one place that decides what the agent is told. Notifications are
 * registered by id (built-ins below, plugins add their own), shown with a context, and pass through
 * filters first — a filter can change any notification (text, type, timeout) or suppress it, which is
 * how a plugin silences or rewords a built-in, like Flex's `Notifications.registeredNotifications`
 * plus `addFilter`. The UI subscribes to the list of visible notifications. When a notification asks
 * for it, the agent has granted permission and the desktop is in the background, the browser's
 * `Notification` API shows it too (the bridge is injectable for tests and other shells).
 */
import type { Actions } from "./actions";
import type { Strings } from "./strings";

export type NotificationType = "info" | "success" | "warning" | "error";
export type NotificationContext = Readonly<Record<string, string | number>>;

export interface NotificationDefinition {
  readonly id: string;
  /** A catalog key (interpolated with the context) or a function building the text. */
  readonly content: string | ((context: NotificationContext, strings: Strings | undefined) => string);
  readonly type: NotificationType;
  /** Milliseconds until it dismisses itself; 0 keeps it until dismissed. */
  readonly timeout?: number;
  /** Also show a browser notification when the desktop is in the background and permission is granted. */
  readonly desktop?: boolean;
}

/** One shown notification, as filters and the UI see it. Filters may return a changed copy. */
export interface ShownNotification {
  /** Unique per showing (the same id can be shown twice). */
  readonly key: string;
  readonly id: string;
  readonly type: NotificationType;
  readonly message: string;
  readonly timeout: number;
  readonly desktop: boolean;
  readonly context: NotificationContext;
}

/** Returns `false` to suppress, a notification to replace it, anything else to keep it as it is. */
export type NotificationFilter = (notification: ShownNotification) => ShownNotification | false | void | undefined;

export interface DesktopBridge {
  permission(): "granted" | "denied" | "default";
  /** True when the agent is not looking at the desktop (hidden tab or unfocused window). */
  inBackground(): boolean;
  show(title: string, body: string, tag: string): void;
}

export const builtinNotifications = [
  { id: "ReservationRinging", content: "notifications.reservationRinging", type: "info", timeout: 0, desktop: true },
  { id: "MessageReceived", content: "notifications.messageReceived", type: "info", timeout: 5000, desktop: true },
  { id: "ConnectionLost", content: "notifications.connectionLost", type: "error", timeout: 0 },
  { id: "ConnectionRestored", content: "notifications.connectionRestored", type: "success", timeout: 3000 },
  // Presence moved the agent to an offline Activity while their connection was gone ({activity}: its name).
  { id: "PresenceOffline", content: "notifications.presenceOffline", type: "warning", timeout: 0 },
  { id: "ActionFailed", content: "notifications.actionFailed", type: "error", timeout: 8000 },
  { id: "PluginFailed", content: "notifications.pluginFailed", type: "error", timeout: 0 },
] as const satisfies readonly NotificationDefinition[];
export type BuiltinNotificationId = (typeof builtinNotifications)[number]["id"];

export interface Notifications {
  register(definition: NotificationDefinition): void;
  isRegistered(id: string): boolean;
  /** Shows a registered notification; returns its key, or null when a filter suppressed it. */
  show(id: BuiltinNotificationId | (string & {}), context?: NotificationContext): string | null;
  dismiss(key: string): void;
  /** Dismisses every visible notification with this id (e.g. ConnectionLost once restored). */
  dismissAll(id?: string): void;
  /** Changes a visible notification in place (message, type, context …). */
  update(key: string, patch: Partial<Omit<ShownNotification, "key" | "id">>): void;
  addFilter(filter: NotificationFilter): () => void;
  readonly visible: readonly ShownNotification[];
  subscribe(listener: (visible: readonly ShownNotification[]) => void): () => void;
}

export interface NotificationsOptions {
  strings?: Strings;
  /** When given, `ShowNotification` is registered as an action, so plugins can intercept it. */
  actions?: Actions;
  /** `null` disables browser notifications; default uses `globalThis.Notification` when present. */
  desktop?: DesktopBridge | null;
  /** Title of browser notifications. */
  appName?: string;
}

/** The browser's Notification API, or null where there is none. */
export const browserDesktopBridge = (): DesktopBridge | null => {
  const api = (globalThis as { Notification?: typeof Notification }).Notification;
  if (typeof api !== "function" || typeof document === "undefined") return null;
  return {
    permission: () => api.permission,
    inBackground: () => document.visibilityState !== "visible" || !document.hasFocus(),
    show: (title, body, tag) => void new api(title, { body, tag }),
  };
};

/**
 * Creates the notifications manager with the built-in notifications registered.
 *
 * @example
 * const notifications = createNotifications({ strings });
 * notifications.addFilter((n) => (n.id === "MessageReceived" ? false : n)); // silence a built-in
 * notifications.show("ConnectionLost");
 */
export function createNotifications(options: NotificationsOptions = {}): Notifications {
  const { strings, actions } = options;
  const desktop = options.desktop === undefined ? browserDesktopBridge() : options.desktop;
  const definitions = new Map<string, NotificationDefinition>();
  const filters: NotificationFilter[] = [];
  const listeners = new Set<(visible: readonly ShownNotification[]) => void>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let visible: readonly ShownNotification[] = [];
  let seq = 0;

  const publish = (next: readonly ShownNotification[]): void => {
    visible = next;
    for (const listener of [...listeners]) listener(visible);
  };
  const schedule = (n: ShownNotification): void => {
    clearTimeout(timers.get(n.key));
    timers.delete(n.key);
    if (n.timeout > 0)
      timers.set(
        n.key,
        setTimeout(() => manager.dismiss(n.key), n.timeout),
      );
  };
  const text = (definition: NotificationDefinition, context: NotificationContext): string =>
    typeof definition.content === "function"
      ? definition.content(context, strings)
      : strings
        ? strings.t(definition.content, context)
        : definition.content;

  const manager: Notifications = {
    register(definition) {
      if (typeof definition?.id !== "string" || definition.id === "") throw new TypeError("Notification id must be a non-empty string");
      if (!["info", "success", "warning", "error"].includes(definition.type))
        throw new TypeError(`Notification ${definition.id}: type must be info, success, warning or error`);
      if (definition.timeout !== undefined && !(definition.timeout >= 0))
        throw new TypeError(`Notification ${definition.id}: timeout must be ≥ 0 ms`);
      definitions.set(definition.id, definition);
    },
    isRegistered: (id) => definitions.has(id),
    show(id, context = {}) {
      const definition = definitions.get(id);
      if (!definition) throw new RangeError(`Notification "${id}" is not registered`);
      let n: ShownNotification = {
        key: `${id}#${++seq}`,
        id,
        type: definition.type,
        message: text(definition, context),
        timeout: definition.timeout ?? 5000,
        desktop: definition.desktop ?? false,
        context,
      };
      for (const filter of [...filters]) {
        const out = filter(n);
        if (out === false) return null;
        if (out && typeof out === "object") n = { ...out, key: n.key, id: n.id };
      }
      publish([...visible, n]);
      schedule(n);
      if (n.desktop && desktop && desktop.permission() === "granted" && desktop.inBackground()) {
        desktop.show(options.appName ?? strings?.t("app.name") ?? "Switchboard", n.message, n.key);
      }
      return n.key;
    },
    dismiss(key) {
      clearTimeout(timers.get(key));
      timers.delete(key);
      if (visible.some((n) => n.key === key)) publish(visible.filter((n) => n.key !== key));
    },
    dismissAll(id) {
      for (const n of visible) if (id === undefined || n.id === id) manager.dismiss(n.key);
    },
    update(key, patch) {
      const current = visible.find((n) => n.key === key);
      if (!current) return;
      const next = { ...current, ...patch, key, id: current.id };
      publish(visible.map((n) => (n.key === key ? next : n)));
      if (patch.timeout !== undefined) schedule(next);
    },
    addFilter(filter) {
      filters.push(filter);
      return () => {
        const index = filters.indexOf(filter);
        if (index >= 0) filters.splice(index, 1);
      };
    },
    get visible() {
      return visible;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  for (const definition of builtinNotifications) manager.register(definition);
  actions?.registerAction("ShowNotification", ({ id, context }) => manager.show(id, context as NotificationContext | undefined));
  return manager;
}
