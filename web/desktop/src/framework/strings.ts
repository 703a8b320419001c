/**
 * Localization: every string the desktop shows comes from a catalog by key (`locales/en.ts` is the
 * reference), with `{placeholder}` interpolation, plural forms chosen by `Intl.PluralRules`, numbers
 * formatted for the locale, and the text direction (`dir`) the layout must follow. The locale can be
 * switched at run time; subscribers (the React layer) re-render. Plugins add or change text with
 * `override`, the way Flex plugins assign `manager.strings.X`.
 *
 * A key missing from the active catalog falls back to English, then to the key itself, and is
 * reported once per key and locale (console in development; `onMissing` to route it elsewhere).
 */
import { ar } from "./locales/ar";
import { en, type Catalog, type Message, type StringKey } from "./locales/en";

export type { Catalog, Message, PluralMessage, StringKey } from "./locales/en";

export type Vars = Readonly<Record<string, string | number>>;

/** The catalogs shipped with the desktop. Add one here (and a test run) to add a language. */
export const catalogs = { en, ar } as const satisfies Record<string, Catalog>;
export type Locale = keyof typeof catalogs;
export const locales = Object.keys(catalogs) as Locale[];

const rtlLanguages = new Set(["ar", "he", "fa", "ur", "ps", "yi"]);

/** `"rtl"` for right-to-left languages (by the language subtag), else `"ltr"`. */
export const directionOf = (locale: string): "ltr" | "rtl" => (rtlLanguages.has(locale.split("-")[0]!.toLowerCase()) ? "rtl" : "ltr");

/** The `{name}` placeholders of a message, across all its plural forms, sorted. */
export const placeholdersOf = (message: Message): string[] => {
  const texts = typeof message === "string" ? [message] : Object.values(message);
  const names = new Set<string>();
  for (const text of texts) for (const match of (text ?? "").matchAll(/\{(\w+)\}/g)) names.add(match[1]!);
  return [...names].sort();
};

export interface Strings {
  readonly locale: Locale;
  readonly dir: "ltr" | "rtl";
  /** The text for a key with its placeholders filled; plural forms use `vars.count`. */
  t(key: StringKey | (string & {}), vars?: Vars): string;
  /** Switches the language; throws a RangeError naming the supported ones for an unknown locale. */
  setLocale(locale: string): void;
  /** Called after every locale change or override. Returns an unsubscribe function. */
  subscribe(listener: (strings: Strings) => void): () => void;
  /** Replaces (or adds, for a plugin's own keys) a text — for one locale, or for all when omitted. */
  override(key: StringKey | (string & {}), text: Message, locale?: Locale): void;
}

export interface StringsOptions {
  /** Reported once per missing key and locale. Defaults to a console warning. */
  onMissing?: (key: string, locale: string) => void;
}

const isLocale = (value: string): value is Locale => Object.hasOwn(catalogs, value);

/**
 * Creates the desktop's string table for a locale.
 *
 * @example
 * const strings = createStrings("en");
 * strings.t("chat.typing", { name: "Ada" }); // "Ada is typing…"
 * strings.t("taskList.count", { count: 2 }); // "2 tasks"
 * strings.setLocale("ar"); // strings.dir === "rtl"
 */
export function createStrings(initial: string = "en", options: StringsOptions = {}): Strings {
  const onMissing = options.onMissing ?? ((key: string, locale: string) => console.warn(`Missing string "${key}" for locale ${locale}`));
  const overrides = new Map<Locale, Map<string, Message>>(locales.map((l) => [l, new Map()]));
  const reported = new Set<string>();
  const listeners = new Set<(strings: Strings) => void>();
  let current: Locale = "en";
  let plurals = new Intl.PluralRules("en");
  let numbers = new Intl.NumberFormat("en");

  const lookup = (locale: Locale, key: string): Message | undefined =>
    overrides.get(locale)!.get(key) ?? (catalogs[locale] as Catalog)[key as StringKey];

  const render = (message: Message, vars: Vars | undefined): string => {
    let text: string;
    if (typeof message === "string") text = message;
    else {
      const count = Number(vars?.count);
      text = (Number.isFinite(count) ? message[plurals.select(count)] : undefined) ?? message.other;
    }
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = vars[name];
      if (value === undefined) return whole;
      return typeof value === "number" ? numbers.format(value) : value;
    });
  };

  const notify = (): void => {
    for (const listener of [...listeners]) listener(strings);
  };

  const setLocale = (locale: string): void => {
    if (!isLocale(locale)) throw new RangeError(`Unsupported locale "${locale}"; supported: ${locales.join(", ")}`);
    current = locale;
    plurals = new Intl.PluralRules(locale);
    numbers = new Intl.NumberFormat(locale);
  };

  const strings: Strings = {
    get locale() {
      return current;
    },
    get dir() {
      return directionOf(current);
    },
    t(key, vars) {
      const own = lookup(current, key);
      if (own !== undefined) return render(own, vars);
      const tag = `${current}:${key}`;
      if (!reported.has(tag)) {
        reported.add(tag);
        onMissing(key, current);
      }
      const fallback = lookup("en", key);
      return fallback === undefined ? key : render(fallback, vars);
    },
    setLocale(locale) {
      if (locale === current) return;
      setLocale(locale);
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    override(key, text, locale) {
      if (typeof text !== "string" && typeof text?.other !== "string")
        throw new TypeError(`Override for "${key}" needs text or plural forms with "other"`);
      if (locale !== undefined && !isLocale(locale))
        throw new RangeError(`Unsupported locale "${locale}"; supported: ${locales.join(", ")}`);
      for (const l of locale ? [locale] : locales) overrides.get(l)!.set(key, text);
      notify();
    },
  };
  setLocale(initial);
  return strings;
}
