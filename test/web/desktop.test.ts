/**
 * createDesktop: the pieces wired together — language and theme actions reach the page, failed actions
 * become notifications, task lifecycle events reach plugin handlers.
 */
import { describe, expect, it, vi } from "vitest";
import { createDesktop } from "../../web/desktop/src/framework/desktop";

const options = () => ({
  workspaceSid: "WS1",
  user: { identity: "ada", role: "agent" },
  desktopNotifications: null,
  root: document.createElement("html"),
});

describe("createDesktop", () => {
  it("starts in the given locale and theme and applies lang, dir and theme variables to the root", () => {
    const o = options();
    createDesktop({ ...o, locale: "ar", theme: "dark" });
    expect([o.root.lang, o.root.dir, o.root.dataset.theme]).toEqual(["ar", "rtl", "dark"]);
    expect(o.root.style.getPropertyValue("--sb-color-bg")).toBe("#121417");
  });

  it("SetLanguage and SetTheme actions switch at run time and can be intercepted", async () => {
    const o = options();
    const desktop = createDesktop(o);
    await desktop.Actions.invokeAction("SetLanguage", { locale: "ar" });
    await desktop.Actions.invokeAction("SetTheme", { theme: "dark" });
    expect([o.root.lang, o.root.dir, o.root.dataset.theme]).toEqual(["ar", "rtl", "dark"]);
    desktop.Actions.addListener("beforeSetTheme", (_p, cancel) => cancel("theme locked by admin"));
    await desktop.Actions.invokeAction("SetTheme", { theme: "light" });
    expect(o.root.dataset.theme).toBe("dark");
  });

  it("a failed action shows ActionFailed with the action and the error, and still rejects", async () => {
    const desktop = createDesktop(options());
    await expect(desktop.Actions.invokeAction("SetLanguage", { locale: "xx" })).rejects.toThrow(RangeError);
    expect(desktop.Notifications.visible.map((n) => [n.id, n.message])).toEqual([
      ["ActionFailed", 'Could not SetLanguage: Unsupported locale "xx"; supported: en, ar'],
    ]);
  });

  it("task events reach handlers; a throwing handler does not stop the others", () => {
    const desktop = createDesktop(options());
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const seen: string[] = [];
    desktop.Tasks.on("accepted", () => {
      throw new Error("plugin bug");
    });
    const off = desktop.Tasks.on("accepted", ({ task }) => void seen.push(task.sid));
    desktop.TaskEvents.emit("accepted", { task: { sid: "WT1", attributes: {} } });
    off();
    desktop.TaskEvents.emit("accepted", { task: { sid: "WT2", attributes: {} } });
    expect(seen).toEqual(["WT1"]);
    expect(errors).toHaveBeenCalledTimes(2);
    expect(() => desktop.Tasks.on("exploded" as never, () => {})).toThrow(/Unknown task event "exploded"/);
    errors.mockRestore();
  });
});
