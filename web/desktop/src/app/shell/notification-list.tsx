/**
 * The visible notifications (the framework's `Notifications.subscribe`) in an `aria-live` region, each
 * dismissable, floating over the page's end corner so a new one never moves the layout; the
 * `NotificationBar` slot lets plugins add to it. `DesktopNotificationsButton` asks the browser to
 * allow desktop notifications (browsers only ask from a click) while it has not been asked yet.
 */
import { useEffect, useState } from "react";
import type { ShownNotification } from "../../framework";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";

export function NotificationList() {
  const desktop = useDesktop();
  const t = useStrings();
  const [visible, setVisible] = useState<readonly ShownNotification[]>([]);
  useEffect(() => desktop.Notifications.subscribe((list) => setVisible(list)), [desktop]);
  return (
    <section className="sb-notifications" aria-label={t("notifications.title")}>
      <Slot slots={desktop.Slots} name="NotificationBar" />
      <ul aria-live="polite" aria-relevant="additions text">
        {visible.map((n) => (
          <li key={n.key} className="sb-notification" data-type={n.type} role={n.type === "error" ? "alert" : undefined}>
            <span>{n.message}</span>
            <button type="button" className="sb-button sb-button-quiet" onClick={() => desktop.Notifications.dismiss(n.key)}>
              {t("notifications.dismiss")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DesktopNotificationsButton() {
  const t = useStrings();
  const api = (globalThis as { Notification?: typeof Notification }).Notification;
  const [permission, setPermission] = useState(() => api?.permission ?? "denied");
  if (!api || permission !== "default") return null;
  return (
    <button
      type="button"
      className="sb-button sb-button-quiet"
      onClick={() => void api.requestPermission().then(setPermission, () => setPermission("denied"))}
    >
      {t("notifications.enableDesktop")}
    </button>
  );
}
