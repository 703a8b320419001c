/**
 * Themes as design tokens. A theme is one typed object (colour, spacing, radius, type, elevation, motion);
 * the desktop's CSS reads only `var(--sb-…)` custom properties generated from it, so switching theme
 * at run time is setting properties on one element, and a team's brand is a few overrides on a
 * built-in theme. Text colours are checked against WCAG AA (4.5:1) by the tests and by `brand()`,
 * which picks a readable `onPrimary` when only `primary` is given.
 */

export interface ThemeTokens {
  readonly name: string;
  readonly scheme: "light" | "dark";
  readonly color: {
    readonly bg: string;
    readonly surface: string;
    readonly surfaceRaised: string;
    readonly border: string;
    readonly text: string;
    readonly textMuted: string;
    readonly primary: string;
    readonly onPrimary: string;
    readonly focus: string;
    readonly info: string;
    readonly success: string;
    readonly warning: string;
    readonly error: string;
    /** Quiet backgrounds: a selected row, and the badges and tiles of each tone (their tone's colour is readable on them). */
    readonly primarySoft: string;
    readonly infoSoft: string;
    readonly successSoft: string;
    readonly warningSoft: string;
    readonly errorSoft: string;
    /** An agent's state, as a dot or a bar beside its name (3:1 against the surfaces, as non-text colour must be). */
    readonly stateAvailable: string;
    readonly stateBusy: string;
    readonly stateWrapping: string;
    readonly stateAway: string;
    readonly stateOffline: string;
  };
  readonly space: { readonly xs: string; readonly sm: string; readonly md: string; readonly lg: string; readonly xl: string };
  readonly radius: { readonly sm: string; readonly md: string; readonly lg: string; readonly pill: string };
  readonly font: {
    readonly family: string;
    readonly familyMono: string;
    readonly sizeXs: string;
    readonly sizeSm: string;
    readonly sizeMd: string;
    readonly sizeLg: string;
    readonly sizeXl: string;
    /** A tile's headline figure. */
    readonly sizeXxl: string;
    readonly weightRegular: string;
    readonly weightBold: string;
    readonly lineHeight: string;
  };
  readonly elevation: { readonly low: string; readonly mid: string; readonly high: string };
  /** How things move: a hover or a press, a panel opening; the easing of both. `prefers-reduced-motion` turns them off (app.css). */
  readonly motion: { readonly fast: string; readonly base: string; readonly easing: string };
}

type DeepPartial<T> = { -readonly [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ThemeOverrides = DeepPartial<Omit<ThemeTokens, "name">> & { name?: string };

const shared = {
  space: { xs: "4px", sm: "8px", md: "12px", lg: "16px", xl: "24px" },
  radius: { sm: "4px", md: "8px", lg: "12px", pill: "999px" },
  font: {
    family: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", sans-serif',
    familyMono: 'ui-monospace, "SF Mono", Menlo, Consolas, monospace',
    sizeXs: "11px",
    sizeSm: "12px",
    sizeMd: "14px",
    sizeLg: "18px",
    sizeXl: "22px",
    sizeXxl: "30px",
    weightRegular: "400",
    weightBold: "600",
    lineHeight: "1.45",
  },
  motion: { fast: "120ms", base: "200ms", easing: "cubic-bezier(0.2, 0, 0, 1)" },
} as const;

export const light: ThemeTokens = {
  name: "light",
  scheme: "light",
  color: {
    bg: "#ffffff",
    surface: "#f5f6f8",
    surfaceRaised: "#ffffff",
    border: "#c9ced6",
    text: "#1a1d23",
    textMuted: "#555d6b",
    primary: "#1f5fd1",
    onPrimary: "#ffffff",
    focus: "#1f5fd1",
    info: "#1d5fa8",
    success: "#1b7a3c",
    warning: "#8a5300",
    error: "#b3261e",
    primarySoft: "#e6eefc",
    infoSoft: "#e3eef9",
    successSoft: "#e3f3e8",
    warningSoft: "#fbf0dc",
    errorSoft: "#fbe7e5",
    stateAvailable: "#1b7a3c",
    stateBusy: "#b3261e",
    stateWrapping: "#8a5300",
    stateAway: "#6b4fbb",
    stateOffline: "#6b7280",
  },
  ...shared,
  elevation: {
    low: "0 1px 2px rgba(16, 24, 40, 0.08)",
    mid: "0 4px 12px rgba(16, 24, 40, 0.12)",
    high: "0 12px 32px rgba(16, 24, 40, 0.18)",
  },
};

export const dark: ThemeTokens = {
  name: "dark",
  scheme: "dark",
  color: {
    bg: "#121417",
    surface: "#1b1e23",
    surfaceRaised: "#24282e",
    border: "#3a4048",
    text: "#e8eaed",
    textMuted: "#a9b0bb",
    primary: "#7aa7ff",
    onPrimary: "#0b1a33",
    focus: "#9cc0ff",
    info: "#8cbcf5",
    success: "#6fd08f",
    warning: "#f0b95a",
    error: "#ff8a80",
    primarySoft: "#1f2d47",
    infoSoft: "#1b2a3b",
    successSoft: "#17301f",
    warningSoft: "#33281a",
    errorSoft: "#3a1e1c",
    stateAvailable: "#6fd08f",
    stateBusy: "#ff8a80",
    stateWrapping: "#f0b95a",
    stateAway: "#b9a4ff",
    stateOffline: "#8b929c",
  },
  ...shared,
  elevation: { low: "0 1px 2px rgba(0, 0, 0, 0.5)", mid: "0 4px 12px rgba(0, 0, 0, 0.55)", high: "0 12px 32px rgba(0, 0, 0, 0.6)" },
};

export const builtinThemes = { light, dark } as const;

const parseHex = (color: string): [number, number, number] => {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!match) throw new TypeError(`Colour "${color}" must be #rgb or #rrggbb`);
  const hex = match[1]!.length === 3 ? [...match[1]!].map((c) => c + c).join("") : match[1]!;
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
};

/** WCAG 2 relative luminance of a #rgb / #rrggbb colour. */
export const luminance = (color: string): number => {
  const [r, g, b] = parseHex(color).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

/**
 * WCAG 2 contrast ratio between two colours, from 1 to 21. AA asks 4.5 for normal text.
 *
 * @example
 * contrastRatio("#000000", "#ffffff"); // 21
 */
export const contrastRatio = (foreground: string, background: string): number => {
  const [a, b] = [luminance(foreground), luminance(background)].sort((x, y) => y - x) as [number, number];
  return (a + 0.05) / (b + 0.05);
};

/** The text/background pairs a theme must keep readable (AA, 4.5:1). */
export const textPairs = (theme: ThemeTokens): Array<{ pair: string; fg: string; bg: string }> => {
  const c = theme.color;
  const pairs: Array<{ pair: string; fg: string; bg: string }> = [];
  for (const [bgName, bg] of [
    ["bg", c.bg],
    ["surface", c.surface],
    ["surfaceRaised", c.surfaceRaised],
  ] as const) {
    for (const fgName of ["text", "textMuted", "info", "success", "warning", "error"] as const)
      pairs.push({ pair: `${fgName} on ${bgName}`, fg: c[fgName], bg });
  }
  pairs.push({ pair: "onPrimary on primary", fg: c.onPrimary, bg: c.primary });
  pairs.push({ pair: "text on primarySoft", fg: c.text, bg: c.primarySoft });
  for (const tone of ["info", "success", "warning", "error"] as const) {
    pairs.push({ pair: `${tone} on ${tone}Soft`, fg: c[tone], bg: c[`${tone}Soft`] });
    pairs.push({ pair: `text on ${tone}Soft`, fg: c.text, bg: c[`${tone}Soft`] });
  }
  return pairs;
};

/** Colours that are not text but must be told apart from what is around them (WCAG 1.4.11, 3:1): the agent states. */
export const nonTextPairs = (theme: ThemeTokens): Array<{ pair: string; fg: string; bg: string }> => {
  const c = theme.color;
  const states = ["stateAvailable", "stateBusy", "stateWrapping", "stateAway", "stateOffline"] as const;
  return states.flatMap((state) =>
    (["bg", "surface", "surfaceRaised"] as const).map((bgName) => ({ pair: `${state} on ${bgName}`, fg: c[state], bg: c[bgName] })),
  );
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);

/**
 * The theme as CSS custom properties: `color.textMuted` → `--sb-color-text-muted`.
 *
 * @example
 * toCssVariables(light)["--sb-color-bg"]; // "#ffffff"
 */
export const toCssVariables = (theme: ThemeTokens): Record<`--sb-${string}`, string> => {
  const vars: Record<`--sb-${string}`, string> = {};
  for (const group of ["color", "space", "radius", "font", "elevation", "motion"] as const) {
    for (const [token, value] of Object.entries(theme[group])) vars[`--sb-${group}-${kebab(token)}`] = value;
  }
  return vars;
};

/**
 * Sets the theme's custom properties, `color-scheme` and `data-theme` on an element (usually `<html>`).
 *
 * @example
 * applyTheme(document.documentElement, dark);
 */
export const applyTheme = (element: HTMLElement, theme: ThemeTokens): void => {
  for (const [name, value] of Object.entries(toCssVariables(theme))) element.style.setProperty(name, value);
  element.style.setProperty("color-scheme", theme.scheme);
  element.dataset.theme = theme.name;
};

const merge = <T extends object>(base: T, patch: DeepPartial<T> | undefined): T => {
  if (!patch) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = (base as Record<string, unknown>)[key];
    if (current !== undefined && typeof current === "object" && typeof value === "object")
      out[key] = merge(current as object, value as object);
    else if (current !== undefined && typeof current !== typeof value)
      throw new TypeError(`Theme token "${key}" must be a ${typeof current}`);
    else out[key] = value;
  }
  return out as T;
};

/**
 * A brand theme: a built-in theme with overrides. Every colour must be #rgb/#rrggbb; when `primary`
 * is overridden without `onPrimary`, white or near-black is chosen, whichever contrasts more.
 *
 * @example
 * const acme = brand(light, { name: "acme", color: { primary: "#6b2bd9" } });
 */
export const brand = (base: ThemeTokens, overrides: ThemeOverrides): ThemeTokens => {
  const theme = merge(base, { name: overrides.name ?? `${base.name}-brand`, ...overrides } as DeepPartial<ThemeTokens>);
  for (const value of Object.values(theme.color)) parseHex(value);
  if (overrides.color?.primary && !overrides.color.onPrimary) {
    const onPrimary =
      contrastRatio("#ffffff", theme.color.primary) >= contrastRatio("#111111", theme.color.primary) ? "#ffffff" : "#111111";
    return { ...theme, color: { ...theme.color, onPrimary } };
  }
  return theme;
};
