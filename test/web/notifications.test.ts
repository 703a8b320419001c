/**
 * Notifications: built-ins shown from the catalog, filters that change or suppress (the plugin hook),
 * dismissal by timeout (fake timers: this is UI timing), updates, and the browser-notification bridge
 * used only when the agent allowed it and is looking elsewhere.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createActions } from "../../web/desktop/src/framework/actions";
import { builtinNotifications, createNotifications, type DesktopBridge } from "../../web/desktop/src/framework/notifications";
import { createStrings } from "../../web/desktop/src/framework/strings";

const bridge = (permission: "granted" | "denied" | "default", inBackground: boolean) => {
  const show = vi.fn();
  return { show, bridge: { permission: () => permission, inBackground: () => inBackground, show } satisfies DesktopBridge };
};

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe("show", () => {
  it("renders a built-in from the catalog with its context and publishes it to subscribers", () => {
    const notifications = createNotifications({ strings: createStrings("en"), desktop: null });
    const published = vi.fn();
    notifications.subscribe(published);
    const key = notifications.show("ReservationRinging", { channel: "chat", from: "Grace" });
    expect(notifications.visible).toEqual([
      {
        key,
        id: "ReservationRinging",
        type: "info",
        message: "New chat task from Grace",
        timeout: 0,
        desktop: true,
        context: { channel: "chat", from: "Grace" },
      },
    ]);
    expect(published).toHaveBeenCalledWith(notifications.visible);
  });

  it("registers every built-in id the desktop relies on", () => {
    const notifications = createNotifications({ desktop: null });
    const ids = [
      "ReservationRinging",
      "MessageReceived",
      "ConnectionLost",
      "ConnectionRestored",
      "PresenceOffline",
      "ActionFailed",
      "PluginFailed",
    ];
    for (const id of ids) expect(notifications.isRegistered(id)).toBe(true);
    expect(builtinNotifications.map((n) => n.id)).toHaveLength(ids.length);
  });

  it("follows the locale of the strings at the time it is shown", () => {
    const strings = createStrings("ar");
    const notifications = createNotifications({ strings, desktop: null });
    notifications.show("ConnectionRestored");
    expect(notifications.visible[0]?.message).toBe("عاد الاتصال.");
  });

  it("supports custom notifications with a content function", () => {
    const notifications = createNotifications({ desktop: null });
    notifications.register({ id: "CrmSynced", type: "success", content: (ctx) => `Synced ${ctx.count} records`, timeout: 0 });
    notifications.show("CrmSynced", { count: 3 });
    expect(notifications.visible.map((n) => n.message)).toEqual(["Synced 3 records"]);
  });

  it.each([
    ["an unregistered id", (n: ReturnType<typeof createNotifications>) => n.show("Nope"), /"Nope" is not registered/],
    [
      "a bad type",
      (n: ReturnType<typeof createNotifications>) => n.register({ id: "X", type: "loud" as never, content: "x" }),
      /type must be/,
    ],
    [
      "a negative timeout",
      (n: ReturnType<typeof createNotifications>) => n.register({ id: "X", type: "info", content: "x", timeout: -1 }),
      /timeout/,
    ],
    ["an empty id", (n: ReturnType<typeof createNotifications>) => n.register({ id: "", type: "info", content: "x" }), /id/],
  ])("refuses %s", (_name, call, error) => {
    expect(() => call(createNotifications({ desktop: null }))).toThrow(error);
  });
});

describe("filters", () => {
  it("a filter can suppress a built-in: show returns null and nothing is published", () => {
    const notifications = createNotifications({ desktop: null });
    const published = vi.fn();
    notifications.subscribe(published);
    notifications.addFilter((n) => (n.id === "MessageReceived" ? false : undefined));
    expect(notifications.show("MessageReceived", { from: "Grace", body: "hi" })).toBeNull();
    expect(notifications.show("ConnectionLost")).not.toBeNull();
    expect(notifications.visible.map((n) => n.id)).toEqual(["ConnectionLost"]);
    expect(published).toHaveBeenCalledTimes(1);
  });

  it("filters run in order and can change text, type and timeout; removing a filter restores the default", () => {
    const strings = createStrings("en");
    const notifications = createNotifications({ strings, desktop: null });
    const remove = notifications.addFilter((n) => ({ ...n, message: n.message.toUpperCase(), type: "warning", timeout: 0 }));
    notifications.addFilter((n) => ({ ...n, message: `${n.message}!`, key: "forged", id: "Forged" }));
    notifications.show("ConnectionRestored");
    expect(notifications.visible[0]).toMatchObject({
      id: "ConnectionRestored",
      type: "warning",
      message: "CONNECTION RESTORED.!",
      timeout: 0,
    });
    expect(notifications.visible[0]?.key).not.toBe("forged"); // filters cannot change identity
    remove();
    notifications.show("ConnectionRestored");
    expect(notifications.visible[1]).toMatchObject({ type: "success", message: "Connection restored.!" });
  });
});

describe("lifetime", () => {
  it("dismisses itself after its timeout; a sticky one stays until dismissed", () => {
    const notifications = createNotifications({ desktop: null });
    notifications.show("ConnectionRestored"); // 3000 ms
    const sticky = notifications.show("ConnectionLost")!; // 0 = sticky
    vi.advanceTimersByTime(2999);
    expect(notifications.visible.map((n) => n.id)).toEqual(["ConnectionRestored", "ConnectionLost"]);
    vi.advanceTimersByTime(1);
    expect(notifications.visible.map((n) => n.id)).toEqual(["ConnectionLost"]);
    vi.advanceTimersByTime(60_000);
    notifications.dismiss(sticky);
    expect(notifications.visible).toEqual([]);
  });

  it("update changes a visible notification and restarts its timer when the timeout changes", () => {
    const notifications = createNotifications({ desktop: null });
    const key = notifications.show("ConnectionLost")!;
    notifications.update(key, { message: "Still offline", timeout: 1000 });
    expect(notifications.visible[0]?.message).toBe("Still offline");
    vi.advanceTimersByTime(1000);
    expect(notifications.visible).toEqual([]);
    notifications.update("missing#1", { message: "ignored" }); // no-op, no throw
  });

  it("dismissAll(id) clears one kind only", () => {
    const notifications = createNotifications({ desktop: null });
    notifications.show("ConnectionLost");
    notifications.show("ConnectionLost");
    notifications.show("PluginFailed", { plugin: "x", message: "y" });
    notifications.dismissAll("ConnectionLost");
    expect(notifications.visible.map((n) => n.id)).toEqual(["PluginFailed"]);
  });
});

describe("browser notifications", () => {
  it.each([
    // permission, in background, expected browser notification
    ["granted", true, 1],
    ["granted", false, 0], // the agent is looking at the desktop already
    ["denied", true, 0],
    ["default", true, 0], // never asked: no prompt from here
  ] as const)("permission %s, background %s → %i shown", (permission, inBackground, expected) => {
    const { show, bridge: desktop } = bridge(permission, inBackground);
    const notifications = createNotifications({ strings: createStrings("en"), desktop });
    notifications.show("MessageReceived", { from: "Grace", body: "Where is my order?" });
    notifications.show("ConnectionLost"); // not a desktop notification
    expect(show.mock.calls).toEqual(expected ? [["Switchboard", "Grace: Where is my order?", expect.any(String)]] : []);
  });

  it("a suppressed notification never reaches the desktop either", () => {
    const { show, bridge: desktop } = bridge("granted", true);
    const notifications = createNotifications({ desktop });
    notifications.addFilter(() => false);
    notifications.show("ReservationRinging", { channel: "chat", from: "Grace" });
    expect(show).not.toHaveBeenCalled();
  });
});

describe("ShowNotification action", () => {
  it("is registered when actions are given, so plugins can intercept it", async () => {
    const actions = createActions();
    const notifications = createNotifications({ actions, desktop: null });
    actions.addListener("beforeShowNotification", (payload, cancel) => {
      if (payload.id === "ConnectionRestored") cancel();
    });
    await actions.invokeAction("ShowNotification", { id: "ConnectionRestored" });
    await actions.invokeAction("ShowNotification", { id: "ConnectionLost" });
    expect(notifications.visible.map((n) => n.id)).toEqual(["ConnectionLost"]);
  });
});
