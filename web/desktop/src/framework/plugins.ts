/**
 * Plugin loading. An admin registers plugin URLs per workspace; the desktop imports each as an ES module
 * and calls its `init(api)` with the desktop's programmable surface (see {@link PluginApi}). Plugins load
 * one after another in registration order (so a later plugin sees an earlier one's listeners), each
 * bounded by a timeout; a plugin that fails to import, has no valid export, throws in `init` or hangs is
 * reported (console + a PluginFailed notification) and the rest still load. Only http(s) URLs (relative
 * ones resolved against the page) are accepted by default: a plugin runs with the agent's session.
 */
import type { Actions } from "./actions";
import type { Notifications } from "./notifications";
import type { Slots } from "./slots";
import type { Strings } from "./strings";
import type { TaskEvents } from "./tasks";
import type { ThemeController } from "./theme-controller";

/** What a plugin's `init` receives: the same object `createDesktop` returns, minus internals. */
export interface PluginApi {
  readonly Actions: Actions;
  readonly Notifications: Notifications;
  readonly Strings: Strings;
  readonly Theme: ThemeController;
  readonly Slots: Slots;
  readonly Tasks: Pick<TaskEvents, "on" | "off">;
  readonly Manager: {
    readonly workspaceSid: string;
    readonly user: { readonly identity: string; readonly role: string; readonly workerSid?: string };
  };
}

export interface Plugin {
  readonly name: string;
  readonly version?: string;
  init(api: PluginApi): unknown;
}

export type PluginReport =
  | { readonly url: string; readonly status: "loaded"; readonly name: string; readonly version?: string }
  | { readonly url: string; readonly status: "failed"; readonly error: string; readonly name?: string };

export interface LoadPluginsOptions {
  /** Imports a module; defaults to the browser's dynamic `import()`. */
  importer?: (url: string) => Promise<unknown>;
  /** Per plugin, for import and for `init` each. Default 10 s. */
  timeoutMs?: number;
  /** URL schemes accepted. Default http: and https:. */
  protocols?: readonly string[];
  /** Base for relative URLs. Default `location.href`. */
  base?: string;
}

const defaultImporter = (url: string): Promise<unknown> => import(/* @vite-ignore */ url);

const withTimeout = <T>(work: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

/** The plugin a module exports: `default` or named `plugin`; an object, or a class Flex-style. */
export const pluginFromModule = (module: unknown): Plugin => {
  const exported = (module as { default?: unknown; plugin?: unknown } | null)?.default ?? (module as { plugin?: unknown } | null)?.plugin;
  const candidate = typeof exported === "function" ? new (exported as new () => unknown)() : exported;
  const plugin = candidate as Partial<Plugin> | undefined;
  if (!plugin || typeof plugin !== "object") throw new TypeError("module has no default (or `plugin`) export");
  if (typeof plugin.name !== "string" || plugin.name === "") throw new TypeError("plugin has no name");
  if (typeof plugin.init !== "function") throw new TypeError(`plugin ${plugin.name} has no init(api) function`);
  return plugin as Plugin;
};

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Loads plugins in order and reports each one's outcome; never rejects because of a plugin.
 *
 * @example
 * const reports = await loadPlugins(["https://cdn.example.com/crm-plugin.js"], desktop);
 * // [{ url: "https://cdn.example.com/crm-plugin.js", status: "loaded", name: "crm", version: "1.2.0" }]
 */
export async function loadPlugins(urls: readonly string[], api: PluginApi, options: LoadPluginsOptions = {}): Promise<PluginReport[]> {
  const importer = options.importer ?? defaultImporter;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const protocols = options.protocols ?? ["https:", "http:"];
  const base = options.base ?? (typeof location === "undefined" ? undefined : location.href);
  const reports: PluginReport[] = [];

  for (const url of urls) {
    let name: string | undefined;
    try {
      let resolved: URL;
      try {
        resolved = new URL(url, base);
      } catch {
        throw new TypeError(`"${url}" is not a valid URL`);
      }
      if (!protocols.includes(resolved.protocol))
        throw new TypeError(`URL scheme ${resolved.protocol} is not allowed (allowed: ${protocols.join(", ")})`);
      const module = await withTimeout(importer(resolved.href), timeoutMs, "import");
      const plugin = pluginFromModule(module);
      name = plugin.name;
      await withTimeout(
        Promise.resolve().then(() => plugin.init(api)),
        timeoutMs,
        `init of ${plugin.name}`,
      );
      reports.push({ url, status: "loaded", name: plugin.name, ...(plugin.version ? { version: plugin.version } : {}) });
    } catch (error) {
      console.error(`Plugin ${name ?? url} failed to load`, error);
      reports.push({ url, status: "failed", error: message(error), ...(name ? { name } : {}) });
      try {
        api.Notifications.show("PluginFailed", { plugin: name ?? url, message: message(error) });
      } catch (notifyError) {
        console.error("PluginFailed notification could not be shown", notifyError);
      }
    }
  }
  return reports;
}
