/**
 * `createDesktop` ties the framework together into the one object the React screens use and plugins
 * receive: Actions, Notifications, Strings, Theme, Slots, Tasks and Manager. It registers the built-in
 * actions that need nothing from the server (SetLanguage, SetTheme, ShowNotification) and turns every
 * failed action into an ActionFailed notification. Task actions (AcceptTask …) are registered by the
 * screens with the API client, so tests and plugins can replace them the same way.
 */
import { createActions } from "./actions";
import { createNotifications, type DesktopBridge } from "./notifications";
import { loadPlugins, type LoadPluginsOptions, type PluginApi, type PluginReport } from "./plugins";
import { createSlots } from "./slots";
import { createStrings, type StringsOptions } from "./strings";
import { createTaskEvents, type TaskEvents } from "./tasks";
import { createThemeController } from "./theme-controller";

export interface DesktopOptions {
  workspaceSid: string;
  user: PluginApi["Manager"]["user"];
  locale?: string;
  theme?: string;
  /** Where theme variables, `lang` and `dir` are set (usually `document.documentElement`). */
  root?: HTMLElement;
  /** `null` disables browser notifications; default is the browser's API. */
  desktopNotifications?: DesktopBridge | null;
  onMissingString?: StringsOptions["onMissing"];
}

export interface Desktop extends PluginApi {
  /** The full task-event emitter (plugins get only on/off). */
  readonly TaskEvents: TaskEvents;
  loadPlugins(urls: readonly string[], options?: LoadPluginsOptions): Promise<PluginReport[]>;
}

/**
 * @example
 * const desktop = createDesktop({ workspaceSid: "WS…", user: { identity: "ada", role: "agent", workerSid: "WK…" }, root: document.documentElement });
 * desktop.Actions.registerAction("AcceptTask", ({ reservationSid }) => client.accept(reservationSid));
 * await desktop.loadPlugins(settings.pluginUrls);
 */
export function createDesktop(options: DesktopOptions): Desktop {
  const Actions = createActions();
  const Strings = createStrings(options.locale ?? "en", options.onMissingString ? { onMissing: options.onMissingString } : {});
  const Notifications = createNotifications({ actions: Actions, strings: Strings, desktop: options.desktopNotifications });
  const Theme = createThemeController(options.theme ?? "light", options.root);
  const Slots = createSlots();
  const TaskEvents = createTaskEvents();
  const root = options.root;

  const applyLanguage = (): void => {
    if (!root) return;
    root.lang = Strings.locale;
    root.dir = Strings.dir;
  };
  applyLanguage();
  Strings.subscribe(applyLanguage);

  Actions.registerAction("SetLanguage", ({ locale }) => Strings.setLocale(locale));
  Actions.registerAction("SetTheme", ({ theme }) => Theme.set(theme));
  Actions.onStateChange((event) => {
    if (event.phase !== "failed" || event.name === "ShowNotification") return;
    const message = event.error instanceof Error ? event.error.message : String(event.error);
    Notifications.show("ActionFailed", { action: event.name, message });
  });

  const desktop: Desktop = {
    Actions,
    Notifications,
    Strings,
    Theme,
    Slots,
    Tasks: { on: TaskEvents.on, off: TaskEvents.off },
    TaskEvents,
    Manager: Object.freeze({ workspaceSid: options.workspaceSid, user: Object.freeze({ ...options.user }) }),
    loadPlugins: (urls, loadOptions) => loadPlugins(urls, pluginApi, loadOptions),
  };
  // Plugins get the public surface only: no emitter, no loader.
  const pluginApi: PluginApi = Object.freeze({
    Actions,
    Notifications,
    Strings,
    Theme,
    Slots,
    Tasks: desktop.Tasks,
    Manager: desktop.Manager,
  });
  return desktop;
}
