/**
 * Slots: plugins add, replace and remove components in named places; order, conditions and change
 * notification are what the React layer depends on.
 */
import { describe, expect, it, vi } from "vitest";
import { createSlots, isDomComponent } from "../../web/desktop/src/framework/slots";

const C = (name: string) => ({ name });

describe("slots", () => {
  it("orders entries by sortOrder, ties by insertion, unsorted last", () => {
    const slots = createSlots();
    slots.add("CustomerPanel", { key: "crm", component: C("crm") }); // no sortOrder: after everything
    slots.add("CustomerPanel", { key: "profile", component: C("profile"), sortOrder: 10 });
    slots.add("CustomerPanel", { key: "orders", component: C("orders"), sortOrder: 20 });
    slots.add("CustomerPanel", { key: "notes", component: C("notes"), sortOrder: 10 });
    expect(slots.entries("CustomerPanel").map((e) => e.key)).toEqual(["profile", "notes", "orders", "crm"]);
  });

  it("shows conditional entries only when their predicate holds for the props", () => {
    const slots = createSlots();
    slots.add("TaskCanvas.Header", { key: "vip", component: C("vip"), if: ({ task }) => (task as { vip?: boolean })?.vip === true });
    expect(slots.entries("TaskCanvas.Header", { task: { vip: true } }).map((e) => e.key)).toEqual(["vip"]);
    expect(slots.entries("TaskCanvas.Header", { task: { vip: false } })).toEqual([]);
    expect(slots.entries("TaskCanvas.Header")).toEqual([]);
  });

  it("a throwing predicate hides its entry and is reported, the others still show", () => {
    const onError = vi.fn();
    const slots = createSlots({ onError });
    slots.add("MainHeader", {
      key: "broken",
      component: C("x"),
      if: () => {
        throw new Error("boom");
      },
    });
    slots.add("MainHeader", { key: "fine", component: C("y") });
    expect(slots.entries("MainHeader").map((e) => e.key)).toEqual(["fine"]);
    expect(onError).toHaveBeenCalledWith("MainHeader", "broken", expect.any(Error));
  });

  it("adding an existing key replaces that entry; replace() empties the slot first; remove() by key", () => {
    const slots = createSlots();
    slots.add("TaskCanvas.Tabs", { key: "chat", component: C("chat v1"), sortOrder: 10 });
    slots.add("TaskCanvas.Tabs", { key: "info", component: C("info"), sortOrder: 20 });
    slots.add("TaskCanvas.Tabs", { key: "chat", component: C("chat v2"), sortOrder: 10 });
    expect(slots.entries("TaskCanvas.Tabs").map((e) => e.component)).toEqual([C("chat v2"), C("info")]);
    expect(slots.remove("TaskCanvas.Tabs", "info")).toBe(true);
    expect(slots.remove("TaskCanvas.Tabs", "info")).toBe(false);
    slots.replace("TaskCanvas.Tabs", { key: "custom", component: C("custom") });
    expect(slots.entries("TaskCanvas.Tabs").map((e) => e.key)).toEqual(["custom"]);
  });

  it("notifies subscribers with the slot name on every change, until unsubscribed", () => {
    const slots = createSlots();
    const listener = vi.fn();
    const off = slots.subscribe(listener);
    slots.add("CustomerPanel", { key: "a", component: C("a") });
    slots.remove("CustomerPanel", "missing"); // nothing changed: no call
    slots.replace("MainHeader", { key: "b", component: C("b") });
    off();
    slots.remove("CustomerPanel", "a");
    expect(listener.mock.calls).toEqual([["CustomerPanel"], ["MainHeader"]]);
  });

  it.each([
    ["an empty key", { key: "", component: C("x") }],
    ["no component", { key: "k", component: undefined }],
    ["a non-finite sortOrder", { key: "k", component: C("x"), sortOrder: Number.NaN }],
    ["a non-function if", { key: "k", component: C("x"), if: true }],
  ])("refuses an entry with %s", (_name, entry) => {
    expect(() => createSlots().add("CustomerPanel", entry as never)).toThrow(TypeError);
  });

  it("recognises DOM components (mount function), not React components", () => {
    expect(isDomComponent({ mount: () => {} })).toBe(true);
    expect(isDomComponent(() => null)).toBe(false);
    expect(isDomComponent(null)).toBe(false);
  });
});
