/**
 * The Customer tab: the task's attributes as a key/value list, what a web visitor said in the pre-chat
 * form (marked unverified), the customer's previous conversations (by `attributes.customers.profile_sid`), the `CustomerPanel` slot for plugins, and the CRM screen pop —
 * the workspace's `crmUrlTemplate` filled from the task, shown in a sandboxed iframe with a link to open
 * it in a new tab. Only http(s) URLs are ever loaded (see customer-data.ts).
 */
import { useEffect, useId, useState } from "react";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";
import type { DesktopSession, DesktopSettings, DesktopTask } from "../types";
import { pastConversations, type PastConversation } from "./api";
import { crmUrl, flattenAttributes, unverifiedOf, valueAt } from "./customer-data";
import { UnverifiedBadge } from "./unverified-badge";

export interface CustomerPanelProps {
  readonly task: DesktopTask;
  readonly session: DesktopSession;
  readonly settings: DesktopSettings;
  readonly slotProps: Readonly<Record<string, unknown>>;
  /** The tab is shown: history and the CRM load only once it is first opened. */
  readonly visible: boolean;
}

export function CustomerPanel({ task, session, settings, slotProps, visible }: CustomerPanelProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const [opened, setOpened] = useState(visible);
  useEffect(() => {
    if (visible) setOpened(true);
  }, [visible]);

  const rows = flattenAttributes(task.attributes);
  const crm = crmUrl(settings.crmUrlTemplate, task.attributes, globalThis.location?.origin ?? null);
  return (
    <div className="sb-customer">
      <Slot slots={desktop.Slots} name="CustomerPanel" props={slotProps} />
      {crm && opened && (
        <section className="sb-customer__crm" aria-label={t("crm.title")}>
          <h3>
            {t("crm.title")}{" "}
            <a href={crm} target="_blank" rel="noopener noreferrer">
              {t("crm.open")}
            </a>
          </h3>
          <iframe title={t("crm.title")} src={crm} sandbox="allow-scripts allow-forms allow-same-origin allow-popups" />
        </section>
      )}
      <Prechat task={task} />
      {opened && <History task={task} session={session} />}
      <section aria-label={t("customer.attributes")}>
        <h3>{t("customer.attributes")}</h3>
        <dl className="sb-customer__attributes">
          {rows.map((row) => (
            <div key={row.key}>
              <dt>{row.key}</dt>
              <dd>{row.value === "" ? "—" : row.value}</dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}

/** What a web visitor typed in the pre-chat form, under its own heading and marked unverified. */
function Prechat({ task }: { task: DesktopTask }) {
  const t = useStrings();
  const headingId = useId();
  const said = unverifiedOf(task.attributes);
  if (said === null) return null;
  const rows = (["name", "email", "phone"] as const).filter((field) => said[field] !== null);
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>
        {t("customer.prechat")} <UnverifiedBadge />
      </h3>
      <dl className="sb-customer__attributes">
        {rows.map((field) => (
          <div key={field}>
            <dt>{t(`customer.${field}`)}</dt>
            <dd>{said[field]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function History({ task, session }: { task: DesktopTask; session: DesktopSession }) {
  const { Strings } = useDesktop();
  const t = useStrings();
  const raw = valueAt(task.attributes, "customers.profile_sid");
  const profileSid = typeof raw === "string" && /^PR[0-9a-f]{32}$/.test(raw) ? raw : null;
  const [past, setPast] = useState<PastConversation[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (profileSid === null) return;
    let live = true;
    pastConversations(session.user.workspaceSid, profileSid).then(
      (loaded) => live && setPast(loaded.filter((c) => c.sid !== task.conversationSid)),
      (failure: unknown) => live && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      live = false;
    };
  }, [profileSid, session.user.workspaceSid, task.conversationSid]);

  const dates = new Intl.DateTimeFormat(Strings.locale, { dateStyle: "medium", timeStyle: "short" });
  return (
    <section aria-label={t("customer.history")}>
      <h3>{t("customer.history")}</h3>
      {error && <p role="alert">{error}</p>}
      {!error && (profileSid === null || past?.length === 0) && <p className="sb-muted">{t("customer.history.empty")}</p>}
      {!error && profileSid !== null && past === null && <p className="sb-muted">{t("app.loading")}</p>}
      {past && past.length > 0 && (
        <ul className="sb-customer__history">
          {past.map((conversation) => (
            <li key={conversation.sid}>
              <time dateTime={conversation.date_created}>{dates.format(new Date(conversation.date_created))}</time>
              <span>{conversation.channel ?? "—"}</span>
              <span>{conversation.state}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
