/**
 * The desktop's header: the app name, the `MainHeader` slot, the view switch (for supervisors linked
 * to a worker), the language and theme switchers (SetLanguage / SetTheme actions, remembered in
 * localStorage), who is signed in — a small account menu, which holds "Sign out everywhere" and, for a
 * workspace pinned to a jurisdiction, where its data is kept — and sign-out.
 */
import { useEffect, useId, useState } from "react";
import { locales } from "../../framework";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";
import { writePreferences } from "../settings";
import { DesktopNotificationsButton } from "./notification-list";
import type { DesktopSession } from "../types";
import type { Route } from "../routes";

/** Each language named in itself, whatever the desktop's language. */
const languageName = (locale: string): string => {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(locale) ?? locale;
  } catch {
    return locale;
  }
};

export interface HeaderProps {
  session: DesktopSession;
  route: Route;
  routes: readonly Route[];
  onSignOut(): void;
  /** Ends every session of the user (other devices too). */
  onSignOutEverywhere(): void;
  /** The jurisdiction the workspace is pinned to, if any. */
  jurisdiction?: "eu" | "fedramp" | null;
}

export function Header({ session, route, routes, onSignOut, onSignOutEverywhere, jurisdiction = null }: HeaderProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const languageId = useId();
  const themeId = useId();
  const [theme, setTheme] = useState(desktop.Theme.current.name);
  useEffect(() => desktop.Theme.subscribe((next) => setTheme(next.name)), [desktop]);

  const change = (action: "SetLanguage" | "SetTheme", value: string) => {
    const payload = action === "SetLanguage" ? { locale: value } : { theme: value };
    void desktop.Actions.invokeAction(action, payload as never)
      .then(() => writePreferences(action === "SetLanguage" ? { locale: desktop.Strings.locale } : { theme: desktop.Theme.current.name }))
      .catch(() => undefined);
  };
  const themeLabel = (name: string) => (name === "light" ? t("app.theme.light") : name === "dark" ? t("app.theme.dark") : name);

  return (
    <header className="sb-header">
      <a
        className="sb-skip"
        href="#sb-main"
        onClick={(event) => {
          // A hash link would change the route: move focus instead.
          event.preventDefault();
          document.getElementById("sb-main")?.focus();
        }}
      >
        {t("app.skipToContent")}
      </a>
      <span className="sb-brand" aria-hidden="true">
        {t("app.name")}
      </span>
      {routes.length > 1 && (
        <nav className="sb-nav" aria-label={t("nav.views")}>
          {routes.map((r) => (
            <a key={r} href={`#/${r}`} aria-current={r === route ? "page" : undefined}>
              {r === "agent" ? t("nav.agent") : t("nav.supervisor")}
            </a>
          ))}
        </nav>
      )}
      <div className="sb-header-slot">
        <Slot slots={desktop.Slots} name="MainHeader" props={{ user: session.user }} />
      </div>
      <div className="sb-field-inline">
        <label htmlFor={languageId}>{t("app.language")}</label>
        <select id={languageId} value={desktop.Strings.locale} onChange={(e) => change("SetLanguage", e.target.value)}>
          {locales.map((locale) => (
            <option key={locale} value={locale} lang={locale}>
              {languageName(locale)}
            </option>
          ))}
        </select>
      </div>
      <div className="sb-field-inline">
        <label htmlFor={themeId}>{t("app.theme")}</label>
        <select id={themeId} value={theme} onChange={(e) => change("SetTheme", e.target.value)}>
          {desktop.Theme.names.map((name) => (
            <option key={name} value={name}>
              {themeLabel(name)}
            </option>
          ))}
        </select>
      </div>
      <DesktopNotificationsButton />
      <details className="sb-account-menu">
        <summary className="sb-muted sb-user">{t("header.signedInAs", { name: session.user.name })}</summary>
        <div className="sb-account-menu-items">
          {jurisdiction && <p className="sb-muted">{t(`header.jurisdiction.${jurisdiction}`)}</p>}
          <button type="button" className="sb-button sb-button-quiet" onClick={onSignOutEverywhere}>
            {t("signIn.signOutEverywhere")}
          </button>
        </div>
      </details>
      <button type="button" className="sb-button" onClick={onSignOut}>
        {t("signIn.signOut")}
      </button>
    </header>
  );
}
