/**
 * The desktop's header, slim: the brand, the view switch (for supervisors linked to a worker), the
 * `MainHeader` slot (where the agent view puts their activity and state), then two menus — Settings (the
 * language and theme, SetLanguage / SetTheme actions remembered in localStorage, and asking the browser for
 * desktop notifications while it has not been asked) and the account (who is signed in, where a pinned
 * workspace keeps its data, sign out, sign out everywhere).
 */
import { useEffect, useState } from "react";
import { locales } from "../../framework";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";
import { writePreferences } from "../settings";
import { Icon, Menu, type MenuGroup } from "../ui";
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

/** The browser's desktop notifications while it has not been asked (it only asks from a click), else null. */
function useNotificationPermission(): { ask(): void } | null {
  const api = (globalThis as { Notification?: typeof Notification }).Notification;
  const [permission, setPermission] = useState(() => api?.permission ?? "denied");
  if (!api || permission !== "default") return null;
  return { ask: () => void api.requestPermission().then(setPermission, () => setPermission("denied")) };
}

export function Header({ session, route, routes, onSignOut, onSignOutEverywhere, jurisdiction = null }: HeaderProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const [theme, setTheme] = useState(desktop.Theme.current.name);
  useEffect(() => desktop.Theme.subscribe((next) => setTheme(next.name)), [desktop]);
  const notifications = useNotificationPermission();

  const change = (action: "SetLanguage" | "SetTheme", value: string) => {
    const payload = action === "SetLanguage" ? { locale: value } : { theme: value };
    void desktop.Actions.invokeAction(action, payload as never)
      .then(() => writePreferences(action === "SetLanguage" ? { locale: desktop.Strings.locale } : { theme: desktop.Theme.current.name }))
      .catch(() => undefined);
  };
  const themeLabel = (name: string) => (name === "light" ? t("app.theme.light") : name === "dark" ? t("app.theme.dark") : name);

  const settings: MenuGroup[] = [
    {
      label: t("app.language"),
      items: locales.map((locale) => ({
        key: `language-${locale}`,
        label: <span lang={locale}>{languageName(locale)}</span>,
        checked: desktop.Strings.locale === locale,
        onSelect: () => change("SetLanguage", locale),
      })),
    },
    {
      label: t("app.theme"),
      items: desktop.Theme.names.map((name) => ({
        key: `theme-${name}`,
        label: themeLabel(name),
        icon: <Icon name={name === "dark" ? "moon" : "sun"} />,
        checked: theme === name,
        onSelect: () => change("SetTheme", name),
      })),
    },
    ...(notifications
      ? [
          {
            label: t("notifications.title"),
            items: [
              {
                key: "desktop-notifications",
                label: t("notifications.enableDesktop"),
                icon: <Icon name="bell" />,
                onSelect: notifications.ask,
              },
            ],
          },
        ]
      : []),
  ];
  const account: MenuGroup[] = [
    {
      label: t("header.signedInAs", { name: session.user.name }),
      ...(jurisdiction ? { note: t(`header.jurisdiction.${jurisdiction}`) } : {}),
      items: [
        { key: "sign-out", label: t("signIn.signOut"), icon: <Icon name="signOut" />, onSelect: onSignOut },
        { key: "sign-out-everywhere", label: t("signIn.signOutEverywhere"), onSelect: onSignOutEverywhere },
      ],
    },
  ];

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
        <span className="sb-brand-mark">
          <Icon name="inbox" size={14} />
        </span>
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
      <Menu label={t("header.settings")} button={<Icon name="settings" size={18} />} groups={settings} />
      <Menu
        label={t("header.account", { name: session.user.name })}
        button={
          <span className="sb-account-button">
            <Icon name="account" size={18} />
            <span className="sb-account-name">{session.user.name}</span>
            <Icon name="chevronDown" size={14} />
          </span>
        }
        groups={account}
      />
    </header>
  );
}
