/**
 * Strings as the agent sees them: interpolation, plural forms, English fallback, switching language at
 * run time (with the text direction), plugin overrides, and every catalog complete and consistent.
 */
import { describe, expect, it, vi } from "vitest";
import { catalogs, createStrings, directionOf, locales, placeholdersOf } from "../../web/desktop/src/framework/strings";

describe("t", () => {
  it.each([
    // key, vars, expected English text (worked out from locales/en.ts)
    ["chat.send", undefined, "Send"],
    ["chat.typing", { name: "Ada" }, "Ada is typing…"],
    ["reservation.countdown", { seconds: 7 }, "7s"],
    ["supervisor.queues.serviceLevelValue", { percent: 80, seconds: 20 }, "80% within 20s"],
    ["taskList.count", { count: 1 }, "1 task"],
    ["taskList.count", { count: 0 }, "0 tasks"],
    ["taskList.count", { count: 1200 }, "1,200 tasks"], // numbers are formatted for the locale
    ["chat.typing", {}, "{name} is typing…"], // a missing var stays visible rather than vanishing
  ] as const)("en %s %j → %s", (key, vars, expected) => {
    expect(createStrings("en").t(key, vars)).toBe(expected);
  });

  it.each([
    // Arabic has six plural categories: 0 zero, 1 one, 2 two, 3–10 few, 11–99 many, 100 other.
    [0, "لا توجد مهام"],
    [1, "مهمة واحدة"],
    [2, "مهمتان"],
    [3, "3 مهام"],
    [11, "11 مهمة"],
    [100, "100 مهمة"],
  ])("ar taskList.count with count %i picks the right plural form", (count, expected) => {
    expect(createStrings("ar").t("taskList.count", { count })).toBe(expected);
  });

  it("a key missing in the active locale falls back to English and is reported once", () => {
    const onMissing = vi.fn();
    const strings = createStrings("ar", { onMissing });
    strings.override("plugin.hello", "Hello {name}", "en");
    expect(strings.t("plugin.hello", { name: "Ada" })).toBe("Hello Ada");
    expect(strings.t("plugin.hello", { name: "Ben" })).toBe("Hello Ben");
    expect(onMissing.mock.calls).toEqual([["plugin.hello", "ar"]]);
  });

  it("an unknown key shows the key itself (visible in review) and is reported", () => {
    const onMissing = vi.fn();
    expect(createStrings("en", { onMissing }).t("no.such.key")).toBe("no.such.key");
    expect(onMissing).toHaveBeenCalledWith("no.such.key", "en");
  });
});

describe("locale switching", () => {
  it("setLocale notifies subscribers, changes the text and flips dir for Arabic", () => {
    const strings = createStrings("en");
    const seen: string[] = [];
    strings.subscribe((s) => seen.push(`${s.locale}/${s.dir}/${s.t("chat.send")}`));
    strings.setLocale("ar");
    strings.setLocale("ar"); // no change, no notification
    strings.setLocale("en");
    expect(seen).toEqual(["ar/rtl/إرسال", "en/ltr/Send"]);
  });

  it("an unsupported locale is refused with the supported ones named, and nothing changes", () => {
    const strings = createStrings("en");
    expect(() => strings.setLocale("xx")).toThrow(/Unsupported locale "xx"; supported: en, ar/);
    expect(strings.locale).toBe("en");
    expect(() => createStrings("klingon")).toThrow(RangeError);
  });

  it.each([
    ["en", "ltr"],
    ["ar", "rtl"],
    ["ar-EG", "rtl"],
    ["he", "rtl"],
    ["fr-CA", "ltr"],
  ])("directionOf(%s) is %s", (locale, dir) => {
    expect(directionOf(locale)).toBe(dir);
  });
});

describe("override (plugins)", () => {
  it("replaces a built-in text in every locale, or in one, and notifies", () => {
    const strings = createStrings("en");
    const listener = vi.fn();
    strings.subscribe(listener);
    strings.override("chat.send", "Reply");
    strings.override("chat.send", "رد", "ar");
    expect(strings.t("chat.send")).toBe("Reply");
    strings.setLocale("ar");
    expect(strings.t("chat.send")).toBe("رد");
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it.each([
    ["plural forms without other", { one: "x" }, undefined, TypeError],
    ["an unknown locale", "text", "xx", RangeError],
  ])("refuses %s", (_name, text, locale, error) => {
    expect(() => createStrings("en").override("chat.send", text as never, locale as never)).toThrow(error);
  });
});

describe("catalogs", () => {
  const english = Object.keys(catalogs.en).sort();
  it.each(locales.filter((l) => l !== "en"))("%s has exactly the English keys", (locale) => {
    const keys = Object.keys(catalogs[locale]).sort();
    expect({ missing: english.filter((k) => !keys.includes(k)), extra: keys.filter((k) => !english.includes(k)) }).toEqual({
      missing: [],
      extra: [],
    });
  });

  it.each(locales.filter((l) => l !== "en"))("%s uses the same placeholders as English in every string", (locale) => {
    const mismatched = english.filter(
      (key) =>
        placeholdersOf(catalogs[locale][key as keyof typeof catalogs.en]).join() !==
        placeholdersOf(catalogs.en[key as keyof typeof catalogs.en]).join(),
    );
    expect(mismatched).toEqual([]);
  });

  it.each(locales)("%s: every plural message has an `other` form and only forms its language uses", (locale) => {
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories as string[];
    for (const message of Object.values(catalogs[locale])) {
      if (typeof message === "string") continue;
      expect(typeof message.other).toBe("string");
      for (const form of Object.keys(message)) expect(categories).toContain(form);
    }
  });

  it("every catalog string is non-empty", () => {
    const empty = locales.flatMap((locale) =>
      Object.entries(catalogs[locale])
        .filter(([, m]) => (typeof m === "string" ? [m] : (Object.values(m) as Array<string | undefined>)).some((text) => !text?.trim()))
        .map(([key]) => `${locale} ${key}`),
    );
    expect(empty).toEqual([]);
  });
});
