/**
 * Themes: CSS variables generated from tokens, readable text in both built-in themes (WCAG AA), brand
 * overrides, and switching at run time through the controller.
 */
import { describe, expect, it, vi } from "vitest";
import {
  applyTheme,
  brand,
  contrastRatio,
  dark,
  light,
  nonTextPairs,
  textPairs,
  toCssVariables,
} from "../../web/desktop/src/framework/theme";
import { createThemeController } from "../../web/desktop/src/framework/theme-controller";

describe("contrastRatio", () => {
  it.each([
    // Worked out by hand: black/white = (1 + 0.05) / (0 + 0.05) = 21; equal colours = 1;
    // #777 on white ≈ 4.48 (the classic "just fails AA" grey); order of arguments does not matter.
    ["#000000", "#ffffff", 21],
    ["#fff", "#000", 21],
    ["#123456", "#123456", 1],
    ["#777777", "#ffffff", 4.48],
  ])("%s on %s ≈ %d", (fg, bg, ratio) => {
    expect(contrastRatio(fg, bg)).toBeCloseTo(ratio, 2);
  });

  it("refuses colours it cannot check", () => {
    expect(() => contrastRatio("red", "#fff")).toThrow(/#rgb or #rrggbb/);
  });
});

describe.each([light, dark])("built-in theme $name", (theme) => {
  it.each(textPairs(theme))("$pair passes WCAG AA (≥ 4.5:1)", ({ fg, bg }) => {
    expect(contrastRatio(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(nonTextPairs(theme))("$pair is told apart (≥ 3:1, WCAG 1.4.11)", ({ fg, bg }) => {
    expect(contrastRatio(fg, bg)).toBeGreaterThanOrEqual(3);
  });

  it("has the same token names as the other built-in theme", () => {
    expect(Object.keys(toCssVariables(theme)).sort()).toEqual(Object.keys(toCssVariables(light)).sort());
  });
});

describe("toCssVariables / applyTheme", () => {
  it("names variables --sb-<group>-<kebab-token>", () => {
    const vars = toCssVariables(light);
    expect(vars["--sb-color-bg"]).toBe("#ffffff");
    expect(vars["--sb-color-text-muted"]).toBe(light.color.textMuted);
    expect(vars["--sb-space-md"]).toBe("12px");
    expect(vars["--sb-radius-pill"]).toBe("999px");
    expect(vars["--sb-font-size-md"]).toBe("14px");
    expect(vars["--sb-elevation-mid"]).toBe(light.elevation.mid);
  });

  it("sets the variables, color-scheme and data-theme on an element", () => {
    const element = document.createElement("div");
    applyTheme(element, dark);
    expect(element.style.getPropertyValue("--sb-color-bg")).toBe(dark.color.bg);
    expect(element.style.getPropertyValue("color-scheme")).toBe("dark");
    expect(element.dataset.theme).toBe("dark");
  });
});

describe("brand", () => {
  it("overrides only what it names and picks a readable onPrimary", () => {
    const acme = brand(light, { name: "acme", color: { primary: "#ffd400" }, radius: { md: "2px" } });
    expect(acme.name).toBe("acme");
    expect(acme.color.primary).toBe("#ffd400");
    expect(acme.color.onPrimary).toBe("#111111"); // yellow needs dark text
    expect(contrastRatio(acme.color.onPrimary, acme.color.primary)).toBeGreaterThanOrEqual(4.5);
    expect(acme.radius).toEqual({ ...light.radius, md: "2px" });
    expect(acme.color.text).toBe(light.color.text);
    expect(light.color.primary).toBe("#1f5fd1"); // the base is untouched
  });

  it("keeps an explicit onPrimary", () => {
    expect(brand(dark, { color: { primary: "#003366", onPrimary: "#fafafa" } }).color.onPrimary).toBe("#fafafa");
  });

  it.each([
    ["a colour that is not hex", { color: { bg: "tomato" } }, /#rgb or #rrggbb/],
    ["a token of the wrong type", { space: { md: 12 } }, /must be a string/],
  ])("refuses %s", (_name, overrides, error) => {
    expect(() => brand(light, overrides as never)).toThrow(error);
  });
});

describe("createThemeController", () => {
  it("switches by name at run time, applies to the root and notifies", () => {
    const root = document.createElement("html");
    const controller = createThemeController("light", root);
    const listener = vi.fn();
    controller.subscribe(listener);
    controller.register(brand(dark, { name: "acme-dark", color: { primary: "#9f7aea" } }));
    controller.set("acme-dark");
    expect(root.dataset.theme).toBe("acme-dark");
    expect(root.style.getPropertyValue("--sb-color-primary")).toBe("#9f7aea");
    expect(listener).toHaveBeenCalledWith(controller.current);
    expect(() => controller.set("neon")).toThrow(/Unknown theme "neon"; known: light, dark, acme-dark/);
    expect(controller.current.name).toBe("acme-dark");
  });
});

describe("the desk's CSS", () => {
  it("reads only custom properties the theme defines (or its own --sb-state)", () => {
    // This project is typed for the browser (no Node types): Node's fs, taken as it is at run time.
    const { readFileSync } = (
      globalThis as unknown as { process: { getBuiltinModule(id: "node:fs"): { readFileSync(path: string, encoding: "utf8"): string } } }
    ).process.getBuiltinModule("node:fs");
    const files = [
      "web/desktop/src/app/styles/app.css",
      "web/desktop/src/app/styles/ui.css",
      "web/desktop/src/app/task/styles.ts",
      "web/desktop/src/app/supervisor/styles.ts",
    ];
    const defined = new Set([...Object.keys(toCssVariables(light)), "--sb-state"]);
    const used = files.flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/var\((--sb-[a-z0-9-]+)/g)].map((m) => `${file}: ${m[1]}`),
    );
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((use) => !defined.has(use.split(": ")[1]!))).toEqual([]);
  });
});
