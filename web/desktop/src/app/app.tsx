/**
 * The desktop application: finds out who is signed in (`/api/auth/me`), shows the sign-in page if
 * nobody is, and otherwise builds the desktop (`createDesktop`: actions, strings, theme, notifications,
 * slots), loads the workspace's settings and enabled plugins, and shows the agent desktop or the
 * supervisor views by role and hash route.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { applyTheme, builtinThemes, createDesktop, createStrings, locales, type Desktop, type Strings } from "../framework";
import { AgentView } from "./agent/agent-view";
import type { HelloActivity as ActivityInfo } from "../../../../contract/realtime-frames";
import { DesktopProvider } from "./desktop-context";
import { useRoute } from "./routes";
import { loadSession, sessionOf, signOut, signOutEverywhere, type MeResponse } from "./session";
import { DEFAULT_SETTINGS, loadDesktopSettings, loadPluginUrls, readPreferences } from "./settings";
import { Header } from "./shell/header";
import { NotificationList } from "./shell/notification-list";
import { SignIn } from "./shell/sign-in";
import { routesFor } from "./routes";
import { SupervisorView } from "./supervisor/supervisor-view";
import { registerTaskActions } from "./task/actions";
import type { DesktopSession, DesktopSettings } from "./types";

type Phase =
  | { kind: "loading" }
  | { kind: "signed-out"; ended?: boolean }
  | { kind: "failed" }
  | { kind: "ready"; session: DesktopSession; me: MeResponse; desktop: Desktop; settings: DesktopSettings };

export interface AppProps {
  /** For tests: the socket constructor and realtime URL the agent view uses. */
  WebSocket?: typeof WebSocket;
  realtimeUrl?: string;
  /** Where theme, `lang` and `dir` go. Default: `<html>`. */
  root?: HTMLElement;
}

const knownLocale = (locale: string | undefined) => (locale && (locales as string[]).includes(locale) ? locale : undefined);
const knownTheme = (theme: string | undefined) => (theme && Object.hasOwn(builtinThemes, theme) ? theme : undefined);

/** The language before sign-in: the remembered one, else the browser's if we have it, else English. */
function initialLocale(): string {
  const browser = globalThis.navigator?.language?.split("-")[0];
  return knownLocale(readPreferences().locale) ?? knownLocale(browser) ?? "en";
}

function ssoTokenFromUrl(): string | null {
  return new URLSearchParams(location.search).get("sso");
}

/** Builds the signed-in desktop: framework, task actions, settings; plugins load in the background. */
async function boot(session: DesktopSession, me: MeResponse, root: HTMLElement): Promise<Phase> {
  const prefs = readPreferences();
  const locale = knownLocale(prefs.locale);
  const theme = knownTheme(prefs.theme);
  const desktop = createDesktop({
    workspaceSid: session.user.workspaceSid,
    user: {
      identity: session.user.email,
      role: session.user.role,
      ...(session.user.workerSid ? { workerSid: session.user.workerSid } : {}),
    },
    root,
    ...(locale ? { locale } : {}),
    ...(theme ? { theme } : {}),
  });
  registerTaskActions(desktop, session);
  const settings = await loadDesktopSettings(session.user.workspaceSid).catch(() => DEFAULT_SETTINGS);
  void loadPluginUrls(session.user.workspaceSid)
    .then((urls) => (urls.length ? desktop.loadPlugins(urls) : []))
    .catch((error: unknown) => console.error("Could not list the workspace's plugins", error));
  return { kind: "ready", session, me, desktop, settings };
}

/**
 * @example createRoot(document.getElementById("root")!).render(<App />);
 */
export function App(props: AppProps) {
  const root = props.root ?? document.documentElement;
  const [phase, setPhase] = useState<Phase>({ kind: "loading" });
  const strings = useMemo<Strings>(() => createStrings(initialLocale()), []);

  // The server refused this session a token (signed out elsewhere, disabled, removed, demoted): back to sign-in.
  const ended = useCallback(() => setPhase({ kind: "signed-out", ended: true }), []);

  const start = useCallback(async () => {
    try {
      const found = await loadSession(Date.now, ended);
      setPhase(found ? await boot(found.session, found.me, root) : { kind: "signed-out" });
    } catch {
      setPhase({ kind: "failed" });
    }
  }, [root, ended]);

  useEffect(() => {
    void start();
  }, [start]);

  useEffect(() => {
    if (phase.kind === "ready") return;
    // Before sign-in there is no desktop yet: the page still takes the remembered language and theme.
    root.lang = strings.locale;
    root.dir = strings.dir;
    applyTheme(root, builtinThemes[(knownTheme(readPreferences().theme) ?? "light") as keyof typeof builtinThemes]);
  }, [phase.kind, root, strings]);

  switch (phase.kind) {
    case "loading":
      return (
        <p className="sb-loading" role="status">
          {strings.t("app.loading")}
        </p>
      );
    case "failed":
      return (
        <main className="sb-sign-in" id="sb-main">
          <p role="alert">{strings.t("app.error.generic")}</p>
          <button type="button" className="sb-button" onClick={() => void start()}>
            {strings.t("app.retry")}
          </button>
        </main>
      );
    case "signed-out":
      return (
        <SignIn
          strings={strings}
          ssoToken={ssoTokenFromUrl()}
          ended={phase.ended === true}
          onSignedIn={() => {
            if (ssoTokenFromUrl()) history.replaceState(null, "", location.pathname + location.hash);
            setPhase({ kind: "loading" });
            void start();
          }}
        />
      );
    case "ready":
      return (
        <DesktopProvider desktop={phase.desktop}>
          <Shell {...props} session={phase.session} me={phase.me} settings={phase.settings} onEnded={ended} />
        </DesktopProvider>
      );
  }
}

function Shell({
  session,
  me,
  settings,
  WebSocket,
  realtimeUrl,
  onEnded,
}: AppProps & { session: DesktopSession; me: MeResponse; settings: DesktopSettings; onEnded: () => void }) {
  const route = useRoute(session.user);
  // A supervisor linked to a worker works in both views: each connection needs its own kind of token.
  const agentSession = useMemo(
    () => (session.user.role === "agent" ? session : sessionOf(me.user, Date.now, "agent", onEnded)),
    [session, me, onEnded],
  );
  const initialActivity = me.worker ? { sid: me.worker.activity_sid, name: me.worker.activity_name, available: me.worker.available } : null;
  const initialActivities = useMemo<ActivityInfo[]>(() => {
    const known: ActivityInfo[] = [];
    if (me.worker) known.push({ sid: me.worker.activity_sid, friendly_name: me.worker.activity_name, available: me.worker.available });
    const w = me.workspace;
    if (w?.default_activity_sid && w.default_activity_name && w.default_activity_sid !== me.worker?.activity_sid) {
      known.push({ sid: w.default_activity_sid, friendly_name: w.default_activity_name, available: false });
    }
    return known;
  }, [me]);
  return (
    <div className="sb-app">
      <Header
        session={session}
        route={route}
        routes={routesFor(session.user)}
        jurisdiction={me.workspace?.jurisdiction ?? null}
        onSignOut={() => {
          void signOut()
            .catch(() => undefined)
            .finally(() => location.assign(location.pathname));
        }}
        onSignOutEverywhere={() => {
          void signOutEverywhere()
            .catch(() => undefined)
            .finally(() => location.assign(location.pathname));
        }}
      />
      <NotificationList />
      {route === "agent" ? (
        <AgentView
          session={agentSession}
          settings={settings}
          initialActivity={initialActivity}
          initialActivities={initialActivities}
          {...(WebSocket ? { WebSocket } : {})}
          {...(realtimeUrl ? { realtimeUrl } : {})}
        />
      ) : (
        <div className="sb-supervisor-host" id="sb-main" tabIndex={-1}>
          <SupervisorView session={session} />
        </div>
      )}
    </div>
  );
}
