/**
 * Plugins end to end on the real framework: the sample plugin from examples/plugins is imported as a
 * file and changes or cancels an AcceptTask and adds its panel; broken, hanging and hostile plugins
 * are isolated and reported while the rest still load, in order.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDesktop, type Desktop } from "../../web/desktop/src/framework/desktop";
import { loadPlugins, pluginFromModule } from "../../web/desktop/src/framework/plugins";
import { isDomComponent, type DomComponent } from "../../web/desktop/src/framework/slots";
import type { TaskRef } from "../../web/desktop/src/framework/actions";

// As an admin would register it; the importer hands the desktop the real file from examples/plugins.
const samplePlugin = "https://plugins.example.com/sample-plugin.js";
const viaFile = {
  importer: (url: string) =>
    url === samplePlugin ? import("../../examples/plugins/sample-plugin.js") : Promise.reject(new Error(`404 ${url}`)),
};

const newDesktop = (): Desktop =>
  createDesktop({
    workspaceSid: "WS" + "a".repeat(32),
    user: { identity: "ada", role: "agent", workerSid: "WK" + "b".repeat(32) },
    desktopNotifications: null,
  });

/** A desktop whose AcceptTask records what reached the server call. */
const withAccept = () => {
  const desktop = newDesktop();
  const accepted: unknown[] = [];
  desktop.Actions.registerAction("AcceptTask", (payload) => void accepted.push(payload));
  return { desktop, accepted };
};
const task = (attributes: Record<string, unknown>): TaskRef => ({ sid: "WT" + "c".repeat(32), attributes });

let errorSpy = vi.spyOn(console, "error").mockImplementation(() => {});
afterEach(() => {
  errorSpy.mockRestore();
  errorSpy = vi.spyOn(console, "error").mockImplementation(() => {});
});

describe("the sample plugin", () => {
  it("loads from its file and reports name and version", async () => {
    const { desktop } = withAccept();
    await expect(desktop.loadPlugins([samplePlugin], viaFile)).resolves.toEqual([
      { url: samplePlugin, status: "loaded", name: "sample-plugin", version: "1.0.0" },
    ]);
  });

  it("adds a note to an ordinary AcceptTask", async () => {
    const { desktop, accepted } = withAccept();
    await desktop.loadPlugins([samplePlugin], viaFile);
    await desktop.Actions.invokeAction("AcceptTask", { reservationSid: "WR1", task: task({}) });
    expect(accepted).toEqual([{ reservationSid: "WR1", task: task({}), note: "accepted by ada via sample-plugin" }]);
  });

  it("cancels an AcceptTask for a blocked task and tells the agent why", async () => {
    const { desktop, accepted } = withAccept();
    await desktop.loadPlugins([samplePlugin], viaFile);
    await expect(
      desktop.Actions.invokeAction("AcceptTask", { reservationSid: "WR1", task: task({ blocked: true }) }),
    ).resolves.toBeUndefined();
    expect(accepted).toEqual([]);
    expect(desktop.Notifications.visible.map((n) => [n.id, n.type, n.message])).toEqual([
      ["SampleBlocked", "warning", `Task WT${"c".repeat(32)} is blocked and cannot be accepted.`],
    ]);
  });

  it("blocked must be exactly true: a string 'true' attribute is not a block", async () => {
    const { desktop, accepted } = withAccept();
    await desktop.loadPlugins([samplePlugin], viaFile);
    await desktop.Actions.invokeAction("AcceptTask", { reservationSid: "WR1", task: task({ blocked: "true" }) });
    expect(accepted).toHaveLength(1);
  });

  it("adds a panel to the customer panel slot that renders and follows the language", async () => {
    const { desktop } = withAccept();
    await desktop.loadPlugins([samplePlugin], viaFile);
    const [entry] = desktop.Slots.entries("CustomerPanel", { task: task({}) });
    expect(entry?.key).toBe("sample-plugin-panel");
    expect(isDomComponent(entry?.component)).toBe(true);
    const host = document.createElement("div");
    const cleanup = (entry!.component as DomComponent).mount(host, {});
    expect(host.querySelector("h3")?.textContent).toBe("Sample plugin");
    expect(host.querySelector("p")?.textContent).toBe(`Workspace WS${"a".repeat(32)} · signed in as ada`);
    await desktop.Actions.invokeAction("SetLanguage", { locale: "ar" });
    expect(host.querySelector("h3")?.textContent).toBe("إضافة تجريبية");
    if (typeof cleanup === "function") cleanup();
    expect(host.children).toHaveLength(0);
  });
});

describe("loadPlugins isolation", () => {
  const good = (name: string, log: string[]) => ({ default: { name, init: () => void log.push(name) } });

  it.each([
    ["fails to import", () => Promise.reject(new Error("404 Not Found")), /404 Not Found/],
    ["has no export", () => Promise.resolve({}), /no default \(or `plugin`\) export/],
    ["has no name", () => Promise.resolve({ default: { init() {} } }), /no name/],
    ["has no init", () => Promise.resolve({ default: { name: "lazy" } }), /no init\(api\) function/],
    [
      "throws in init",
      () =>
        Promise.resolve({
          default: {
            name: "thrower",
            init() {
              throw new Error("init exploded");
            },
          },
        }),
      /init exploded/,
    ],
    [
      "rejects in async init",
      () => Promise.resolve({ plugin: { name: "async", init: async () => Promise.reject(new Error("async init failed")) } }),
      /async init failed/,
    ],
  ])("a plugin that %s is reported and the next one still loads", async (_name, broken, error) => {
    const desktop = newDesktop();
    const log: string[] = [];
    const importer = (url: string) => (url.endsWith("/broken.js") ? broken() : Promise.resolve(good(url.split("/").pop()!, log)));
    const reports = await loadPlugins(["https://cdn.example.com/broken.js", "https://cdn.example.com/next.js"], desktop, { importer });
    expect(reports[0]).toMatchObject({ status: "failed", error: expect.stringMatching(error) });
    expect(reports[1]).toMatchObject({ status: "loaded", name: "next.js" });
    expect(log).toEqual(["next.js"]);
    expect(desktop.Notifications.visible.map((n) => n.id)).toEqual(["PluginFailed"]);
    expect(errorSpy).toHaveBeenCalled();
  });

  it("loads in registration order, awaiting each init before the next", async () => {
    const desktop = newDesktop();
    const log: string[] = [];
    const importer = async (url: string) => ({
      default: {
        name: url,
        init: async () => {
          log.push(`start ${url.slice(-4)}`);
          await Promise.resolve();
          log.push(`end ${url.slice(-4)}`);
        },
      },
    });
    await loadPlugins(["https://x/1.js", "https://x/2.js"], desktop, { importer });
    expect(log).toEqual(["start 1.js", "end 1.js", "start 2.js", "end 2.js"]);
  });

  it("gives up on a hanging import or init after the timeout and carries on", async () => {
    vi.useFakeTimers();
    try {
      const desktop = newDesktop();
      const log: string[] = [];
      const importer = (url: string) =>
        url.includes("hang-import")
          ? new Promise(() => {})
          : url.includes("hang-init")
            ? Promise.resolve({ default: { name: "slow", init: () => new Promise(() => {}) } })
            : Promise.resolve(good("ok", log));
      const done = loadPlugins(["https://x/hang-import.js", "https://x/hang-init.js", "https://x/ok.js"], desktop, {
        importer,
        timeoutMs: 5000,
      });
      await vi.advanceTimersByTimeAsync(10_000);
      const reports = await done;
      expect(reports.map((r) => (r.status === "failed" ? r.error : r.status))).toEqual([
        "import did not finish within 5000 ms",
        "init of slow did not finish within 5000 ms",
        "loaded",
      ]);
      expect(log).toEqual(["ok"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/javascript,export default {}"],
    ["file: (not allowed by default)", "file:///etc/plugin.js"],
    ["an invalid URL", "http://["],
  ])("refuses a %s URL without importing it", async (_name, url) => {
    const importer = vi.fn();
    const [report] = await loadPlugins([url], newDesktop(), { importer, base: "https://desk.example.com/" });
    expect(report?.status).toBe("failed");
    expect(importer).not.toHaveBeenCalled();
  });

  it("resolves relative URLs against the page", async () => {
    const importer = vi.fn(async () => ({ default: { name: "rel", init() {} } }));
    await loadPlugins(["/plugins/rel.js"], newDesktop(), { importer, base: "https://desk.example.com/agent/" });
    expect(importer).toHaveBeenCalledWith("https://desk.example.com/plugins/rel.js");
  });

  it("accepts a Flex-style class export", () => {
    class CrmPlugin {
      name = "crm";
      init() {}
    }
    expect(pluginFromModule({ default: CrmPlugin }).name).toBe("crm");
  });

  it("plugins get the public surface only: no task emitter, no loader, frozen manager", async () => {
    const desktop = newDesktop();
    let seen: Record<string, unknown> = {};
    await desktop.loadPlugins(["https://x/spy.js"], {
      importer: async () => ({ default: { name: "spy", init: (api: Record<string, unknown>) => void (seen = api) } }),
    });
    expect(Object.keys(seen).sort()).toEqual(["Actions", "Manager", "Notifications", "Slots", "Strings", "Tasks", "Theme"]);
    expect(Object.keys(seen.Tasks as object).sort()).toEqual(["off", "on"]);
    expect(() => ((seen.Manager as { workspaceSid: string }).workspaceSid = "WSother")).toThrow(TypeError);
  });
});
