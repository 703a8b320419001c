/**
 * The desktop object (Actions, Strings, Notifications …) for React: `DesktopProvider` puts it in context,
 * `useDesktop()` reads it (throws outside a provider), `useStrings()` returns a `t` that re-renders the
 * component when the language changes or a plugin overrides a string.
 */
import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";
import type { Desktop, StringKey, Strings, Vars } from "../framework";

const DesktopContext = createContext<Desktop | null>(null);

/**
 * @example
 * <DesktopProvider desktop={createDesktop({ workspaceSid, user })}><App /></DesktopProvider>
 */
export function DesktopProvider({ desktop, children }: { desktop: Desktop; children?: ReactNode }) {
  return <DesktopContext.Provider value={desktop}>{children}</DesktopContext.Provider>;
}

/**
 * @example
 * const desktop = useDesktop();
 * void desktop.Actions.invokeAction("SetActivity", { activitySid });
 */
export function useDesktop(): Desktop {
  const desktop = useContext(DesktopContext);
  if (!desktop) throw new Error("useDesktop() must be used inside <DesktopProvider>");
  return desktop;
}

export type TranslateFn = (key: StringKey | (string & {}), vars?: Vars) => string;

/**
 * `t` for the active language; the component re-renders on `SetLanguage` or a string override.
 *
 * @example
 * const t = useStrings();
 * return <button>{t("reservation.accept")}</button>;
 */
export function useStrings(): TranslateFn {
  const { Strings } = useDesktop();
  const store = storeFor(Strings);
  return useSyncExternalStore(store.subscribe, store.snapshot);
}

interface TranslateStore {
  subscribe(onChange: () => void): () => void;
  snapshot(): TranslateFn;
}
const stores = new WeakMap<Strings, TranslateStore>();

/** One store per Strings: a new `t` identity after every change, so consumers re-render. */
function storeFor(strings: Strings): TranslateStore {
  let store = stores.get(strings);
  if (store) return store;
  const make = (): TranslateFn => (key, vars) => strings.t(key, vars);
  let current = make();
  strings.subscribe(() => {
    current = make();
  });
  store = {
    subscribe: (onChange) => strings.subscribe(() => onChange()),
    snapshot: () => current,
  };
  stores.set(strings, store);
  return store;
}
