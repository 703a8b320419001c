/**
 * The desktop's current theme: which tokens are active, switching by name at run time (the SetTheme
 * action), and registering brand themes. Applying to the page is `applyTheme` on every change, done
 * here when an element is given, so the React layer only reads `current`.
 */
import { applyTheme, brand, builtinThemes, type ThemeOverrides, type ThemeTokens } from "./theme";

export interface ThemeController {
  readonly current: ThemeTokens;
  readonly names: readonly string[];
  /** Switches to a registered theme; throws a RangeError naming the known ones otherwise. */
  set(name: string): void;
  /** Registers a theme (e.g. `brand(light, …)`) under its name. */
  register(theme: ThemeTokens): void;
  brand(base: ThemeTokens, overrides: ThemeOverrides): ThemeTokens;
  subscribe(listener: (theme: ThemeTokens) => void): () => void;
}

/**
 * @example
 * const theme = createThemeController("dark", document.documentElement);
 * theme.register(theme.brand(theme.current, { name: "acme", color: { primary: "#6b2bd9" } }));
 * theme.set("acme");
 */
export function createThemeController(initial = "light", element?: HTMLElement): ThemeController {
  const themes = new Map<string, ThemeTokens>(Object.values(builtinThemes).map((t) => [t.name, t]));
  const listeners = new Set<(theme: ThemeTokens) => void>();
  const find = (name: string): ThemeTokens => {
    const theme = themes.get(name);
    if (!theme) throw new RangeError(`Unknown theme "${name}"; known: ${[...themes.keys()].join(", ")}`);
    return theme;
  };
  let current = find(initial);
  if (element) applyTheme(element, current);
  return {
    get current() {
      return current;
    },
    get names() {
      return [...themes.keys()];
    },
    set(name) {
      current = find(name);
      if (element) applyTheme(element, current);
      for (const listener of [...listeners]) listener(current);
    },
    register(theme) {
      themes.set(theme.name, theme);
    },
    brand,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
