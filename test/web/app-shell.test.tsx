/**
 * The app shell end to end in happy-dom with a fake API and socket: sign-in errors from the catalog
 * (401, 429 with the seconds), SSO, the signed-in desktop by role, the language switch flipping the
 * page to right-to-left (and remembered), settings defaults, enabled plugins loaded, sign-out and
 * "sign out everywhere".
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setFetch } from "../../web/desktop/src/app/api";
import { App } from "../../web/desktop/src/app/app";
import { resolveRoute } from "../../web/desktop/src/app/routes";
import { sessionOf } from "../../web/desktop/src/app/session";
import { loadDesktopSettings, readPreferences } from "../../web/desktop/src/app/settings";
import { SignIn } from "../../web/desktop/src/app/shell/sign-in";
import { createStrings } from "../../web/desktop/src/framework";
import { asWebSocket, fakeFetch, FakeWebSocket } from "./app-fakes";

vi.mock("../../web/desktop/src/app/supervisor/supervisor-view", () => ({
  SupervisorView: () => <p>supervisor view</p>,
}));
vi.mock("../../web/desktop/src/app/task/task-canvas", () => ({ TaskCanvas: () => <p>canvas</p> }));

const agent = {
  sid: "US1",
  email: "ada@example.com",
  friendly_name: "Ada Lovelace",
  role: "agent",
  workspace_sid: "WS1",
  worker_sid: "WK1",
};
const me = (user: Record<string, unknown> = agent) => ({
  status: 200,
  body: {
    user,
    workspace: { sid: "WS1", default_activity_sid: "WA0", default_activity_name: "Offline" },
    worker: { sid: "WK1", friendly_name: "Ada", activity_sid: "WA1", activity_name: "Available", available: true },
  },
});
const token = () => ({ status: 200, body: { token: "jwt", expires_at: new Date(Date.now() + 3_600_000).toISOString() } });

let root: HTMLElement;
beforeEach(() => {
  FakeWebSocket.reset();
  localStorage.clear();
  sessionStorage.clear();
  root = document.createElement("html");
  history.replaceState(null, "", "/app/");
});
afterEach(cleanup);

describe("sign-in", () => {
  it.each([
    [401, {}, undefined, "That email and password do not match."],
    [429, { retry_after: 42 }, undefined, "Too many attempts. Try again in 42 seconds."],
    [429, {}, { "retry-after": "17" }, "Too many attempts. Try again in 17 seconds."],
    [403, {}, undefined, "Something went wrong. Try again."],
  ] as const)("a %i answer shows the catalog's message", async (status, extra, headers, text) => {
    const api = fakeFetch({
      "POST /api/auth/login": () => ({
        status,
        body: { code: 20003, message: "server text", status, ...extra },
        ...(headers ? { headers } : {}),
      }),
    });
    setFetch(api.fetch);
    const onSignedIn = vi.fn();
    render(<SignIn strings={createStrings("en")} onSignedIn={onSignedIn} />);
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: " ada@example.com " } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "wrong" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe(text));
    expect(api.calls[0]!.body).toEqual({ email: "ada@example.com", password: "wrong" });
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("signs in with the SSO token from the URL", async () => {
    const api = fakeFetch({ "POST /api/auth/sso": () => ({ status: 200, body: { user: agent } }) });
    setFetch(api.fetch);
    const onSignedIn = vi.fn();
    render(<SignIn strings={createStrings("en")} onSignedIn={onSignedIn} ssoToken="a.b.c" />);
    fireEvent.click(screen.getByRole("button", { name: "Sign in with your company account" }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(api.calls).toEqual([{ method: "POST", path: "/api/auth/sso", body: { token: "a.b.c" } }]);
  });
});

describe("the app", () => {
  it("shows sign-in when nobody is signed in, then the agent desktop after signing in", async () => {
    let signedIn = false;
    const api = fakeFetch({
      "GET /api/auth/me": () => (signedIn ? me() : { status: 401, body: { code: 20003, message: "Not signed in", status: 401 } }),
      "POST /api/auth/login": () => ((signedIn = true), { status: 200, body: { user: agent } }),
      "POST /api/auth/token": token,
      "GET /api/workspaces/WS1/desktop-settings": () => ({ status: 404, body: { code: 20404, message: "nope", status: 404 } }),
      "GET /api/workspaces/WS1/plugins": () => ({ status: 200, body: { plugins: [] } }),
    });
    setFetch(api.fetch);
    render(<App root={root} WebSocket={asWebSocket} realtimeUrl="ws://test/api/realtime" />);
    await screen.findByRole("heading", { name: "Sign in to Switchboard" });
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "ada@example.com" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "right" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await screen.findByRole("button", { name: "Account of Ada Lovelace" });
    await waitFor(() => expect(location.hash).toBe("#/agent")); // the route is written by an effect
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    expect(FakeWebSocket.last.protocols).toEqual(["token.jwt", "switchboard"]);
    expect((screen.getByLabelText("Activity") as HTMLSelectElement).value).toBe("WA1");
    expect(screen.queryByRole("navigation")).toBeNull(); // an agent has one view
  });

  it("switching the language flips the page to right-to-left and remembers it", async () => {
    setFetch(
      fakeFetch({
        "GET /api/auth/me": () => me(),
        "POST /api/auth/token": token,
        "GET /api/workspaces/WS1/plugins": () => ({ status: 200, body: { plugins: [] } }),
      }).fetch,
    );
    render(<App root={root} WebSocket={asWebSocket} realtimeUrl="ws://test/api/realtime" />);
    // Settings: a menu in the header, its choices menu item radios, each saying which is on.
    fireEvent.click(await screen.findByRole("button", { name: "Settings" }));
    expect(screen.getByRole("menuitemradio", { name: "English" }).getAttribute("aria-checked")).toBe("true");
    expect([root.lang, root.dir]).toEqual(["en", "ltr"]);
    await act(async () => void fireEvent.click(screen.getByRole("menuitemradio", { name: "العربية" })));
    expect([root.lang, root.dir]).toEqual(["ar", "rtl"]);
    expect(readPreferences().locale).toBe("ar");
    expect(screen.queryByRole("menu")).toBeNull(); // a choice closes the menu
    fireEvent.click(screen.getByRole("button", { name: "حساب Ada Lovelace" }));
    expect(screen.getByRole("menuitem", { name: "تسجيل الخروج" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "الإعدادات" }));
    fireEvent.click(screen.getByRole("menuitemradio", { name: "داكن" }));
    await waitFor(() => expect(root.dataset.theme).toBe("dark"));
    expect(readPreferences()).toEqual({ locale: "ar", theme: "dark" });
  });

  it("a supervisor lands on the supervisor view and loads the workspace's enabled plugins only", async () => {
    const supervisor = { ...agent, role: "supervisor", worker_sid: null };
    const api = fakeFetch({
      "GET /api/auth/me": () => me(supervisor),
      "GET /api/workspaces/WS1/plugins": () => ({
        status: 200,
        body: { plugins: [{ url: "https://plugins.test/a.js", enabled: false }] },
      }),
    });
    setFetch(api.fetch);
    render(<App root={root} />);
    await screen.findByText("supervisor view");
    await waitFor(() => expect(location.hash).toBe("#/supervisor")); // the route is written by an effect
    expect(screen.queryByRole("navigation")).toBeNull();
    expect(FakeWebSocket.instances).toEqual([]);
  });

  it("the account menu signs out everywhere: every session ends, then the page reloads to sign-in", async () => {
    const api = fakeFetch({
      "GET /api/auth/me": () => me({ ...agent, role: "supervisor", worker_sid: null }),
      "GET /api/workspaces/WS1/plugins": () => ({ status: 200, body: { plugins: [] } }),
      "POST /api/auth/logout-all": () => ({ status: 204, body: null }),
    });
    setFetch(api.fetch);
    const reload = vi.spyOn(location, "assign").mockImplementation(() => undefined);
    render(<App root={root} />);
    // The account menu holds both sign-outs; Escape closes it and gives focus back to its button.
    const account = await screen.findByRole("button", { name: "Account of Ada Lovelace" });
    expect(account.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(account);
    expect(account.getAttribute("aria-expanded")).toBe("true");
    expect(screen.getByRole("menuitem", { name: "Sign out" })).toBeTruthy();
    fireEvent.keyDown(screen.getByRole("menu"), { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(account);
    fireEvent.click(account);
    fireEvent.click(screen.getByRole("menuitem", { name: "Sign out everywhere" }));
    await waitFor(() => expect(reload).toHaveBeenCalledWith("/app/"));
    expect(api.calls.map((call) => `${call.method} ${call.path}`)).toContain("POST /api/auth/logout-all");
    reload.mockRestore();
  });
  it.each([
    ["eu", "Data kept in the EU"],
    ["fedramp", "Data kept in FedRAMP data centers"],
  ])("the account menu says where a workspace pinned to %s keeps its data", async (jurisdiction, text) => {
    const pinned = me();
    pinned.body.workspace = { ...pinned.body.workspace, jurisdiction } as typeof pinned.body.workspace;
    setFetch(
      fakeFetch({ "GET /api/auth/me": () => pinned, "GET /api/workspaces/WS1/plugins": () => ({ status: 200, body: { plugins: [] } }) })
        .fetch,
    );
    render(<App root={root} />);
    fireEvent.click(await screen.findByRole("button", { name: "Account of Ada Lovelace" }));
    expect(screen.getByRole("group", { name: `Signed in as Ada Lovelace. ${text}` })).toBeTruthy();
  });

  it("an unpinned workspace's account menu says nothing of a jurisdiction", async () => {
    setFetch(
      fakeFetch({ "GET /api/auth/me": () => me(), "GET /api/workspaces/WS1/plugins": () => ({ status: 200, body: { plugins: [] } }) })
        .fetch,
    );
    render(<App root={root} />);
    fireEvent.click(await screen.findByRole("button", { name: "Account of Ada Lovelace" }));
    expect(screen.getByRole("group", { name: "Signed in as Ada Lovelace" })).toBeTruthy();
    expect(screen.getByRole("menu").textContent).not.toMatch(/Data kept/);
  });

  it("goes back to sign-in, saying so, when the server refuses the session a token (signed out elsewhere, removed)", async () => {
    let removed = false;
    const refused = () => ({ status: 401, body: { code: 20003, message: "This sign-in has ended", status: 401 } });
    const api = fakeFetch({
      "GET /api/auth/me": () => (removed ? refused() : me()),
      "POST /api/auth/token": () => (removed ? refused() : token()),
      "GET /api/workspaces/WS1/plugins": () => ({ status: 200, body: { plugins: [] } }),
    });
    setFetch(api.fetch);
    render(<App root={root} WebSocket={asWebSocket} realtimeUrl="ws://test/api/realtime" />);
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    // An admin removes Ada: the server closes her socket with 4401 and will mint no new token.
    removed = true;
    act(() => FakeWebSocket.last.close(4401, "The user was removed"));
    // The client reconnects after its first backoff (at most 0.6 s), asking for a new token this time.
    await screen.findByRole("heading", { name: "Sign in to Switchboard" }, { timeout: 5_000 });
    expect(screen.getByRole("status").textContent).toBe("You were signed out. Sign in again to continue.");
    expect(screen.queryByRole("button", { name: "Account of Ada Lovelace" })).toBeNull();
  });
});

describe("routes, settings, session", () => {
  const user = (role: "agent" | "supervisor" | "admin", workerSid: string | null) => ({
    sid: "US1",
    email: "a@b.c",
    name: "A",
    role,
    workspaceSid: "WS1",
    workerSid,
  });
  it.each([
    ["#/supervisor", user("agent", "WK1"), "agent"],
    ["", user("supervisor", null), "supervisor"],
    ["#/agent", user("supervisor", null), "supervisor"],
    ["#/agent", user("supervisor", "WK1"), "agent"],
    ["#/nowhere", user("admin", "WK1"), "supervisor"],
    ["#/agent", user("admin", "WK1"), "agent"], // an admin linked to a worker gets its channel too (View=agent)
  ] as const)("hash %j for a %s → %s", (hash, u, route) => {
    expect(resolveRoute(hash, u)).toBe(route);
  });

  it("desktop settings map to DesktopSettings, with defaults on 404", async () => {
    setFetch(
      fakeFetch({
        "GET /api/workspaces/WS1/desktop-settings": () => ({
          status: 200,
          body: {
            crm_url_template: "https://crm.test/?q={{task.from}}",
            disposition_codes: ["Sold"],
            canned_responses: [{ title: "Hi", body: "Hello!" }],
          },
        }),
      }).fetch,
    );
    expect(await loadDesktopSettings("WS1")).toEqual({
      crmUrlTemplate: "https://crm.test/?q={{task.from}}",
      dispositionCodes: ["Sold"],
      cannedResponses: [{ title: "Hi", body: "Hello!" }],
    });
    expect((await loadDesktopSettings("WS2")).dispositionCodes).toEqual(["Resolved", "Follow-up needed", "No answer"]);
  });

  it("caches the realtime token until a minute before it expires, and shares one request", async () => {
    let now = 1_000_000;
    let minted = 0;
    const api = fakeFetch({
      "POST /api/auth/token": () => ({ status: 200, body: { token: `t${++minted}`, expires_at: new Date(now + 600_000).toISOString() } }),
    });
    setFetch(api.fetch);
    const session = sessionOf(agent as Parameters<typeof sessionOf>[0], () => now);
    expect(await Promise.all([session.token(), session.token()])).toEqual(["t1", "t1"]);
    now += 539_000;
    expect(await session.token()).toBe("t1");
    now += 2_000;
    expect(await session.token()).toBe("t2");
    expect(api.calls.map((c) => c.body)).toEqual([
      { WorkspaceSid: "WS1", View: "agent" },
      { WorkspaceSid: "WS1", View: "agent" },
    ]);
  });
});
