/**
 * The customer pane, a card rather than a list of attributes: who they are (name, the email and phone
 * their profile holds, every address they reached the team from, the profile's own fields), what a web
 * visitor said in the pre-chat form (marked unverified), what self-service learned before a flow handed
 * them over (self-service-panel.tsx), their previous conversations (by
 * `attributes.customers.profile_sid`) with their channel, how they ended and how the customer rated them
 * (the satisfaction survey), the `CustomerPanel` slot for
 * plugins, the task's raw attributes one click away, and the CRM screen pop —
 * the workspace's `crmUrlTemplate` filled from the task, shown in a sandboxed iframe with a link to open
 * it in a new tab. Only http(s) URLs are ever loaded (see customer-data.ts).
 */
import { useEffect, useId, useState } from "react";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";
import type { DesktopSession, DesktopSettings, DesktopTask } from "../types";
import { customerProfile, pastConversations, type CustomerProfile, type PastConversation } from "./api";
import type { ConversationSurvey } from "../../../../../contract/surveys";
import { crmUrl, customerLabel, flattenAttributes, isUnverified, unverifiedOf, valueAt } from "./customer-data";
import { UnverifiedBadge } from "./unverified-badge";
import { SelfServicePanel } from "./self-service-panel";
import { Avatar, Badge, ChannelIcon } from "../ui";

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
      <Card task={task} session={session} opened={opened} />
      <SelfServicePanel attributes={task.attributes} />
      <Slot slots={desktop.Slots} name="CustomerPanel" props={slotProps} />
      <Prechat task={task} />
      {opened && <History task={task} session={session} />}
      <details className="sb-customer__raw">
        <summary>{t("customer.attributes")}</summary>
        <dl className="sb-customer__attributes">
          {rows.map((row) => (
            <div key={row.key}>
              <dt>{row.key}</dt>
              <dd>{row.value === "" ? "—" : row.value}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}

const PROFILE_SID = /^PR[0-9a-f]{32}$/;
const profileSidOf = (task: DesktopTask): string | null => {
  const raw = valueAt(task.attributes, "customers.profile_sid");
  return typeof raw === "string" && PROFILE_SID.test(raw) ? raw : null;
};

/** The profile's own fields (its JSON attributes), as label and text; nested values as JSON. */
function profileFields(attributes: string): [string, string][] {
  try {
    const parsed = JSON.parse(attributes) as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return [];
    return Object.entries(parsed as Record<string, unknown>).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]);
  } catch {
    return [];
  }
}

/** Who the customer is: their name and contact details, the addresses they wrote from, the profile's fields. */
function Card({ task, session, opened }: { task: DesktopTask; session: DesktopSession; opened: boolean }) {
  const t = useStrings();
  const profileSid = profileSidOf(task);
  const [profile, setProfile] = useState<CustomerProfile | null>(null);
  useEffect(() => {
    if (!opened || profileSid === null) return;
    let live = true;
    customerProfile(session.user.workspaceSid, profileSid).then(
      (loaded) => live && setProfile(loaded),
      // The card still shows what the task says; the profile is extra.
      (failure: unknown) => console.warn("The customer's profile could not be loaded", failure),
    );
    return () => {
      live = false;
    };
  }, [opened, profileSid, session.user.workspaceSid]);

  const name = customerLabel(task, t("customer.webVisitor"));
  const text = (path: string) => {
    const value = valueAt(task.attributes, path);
    return typeof value === "string" && value !== "" ? value : null;
  };
  const email = profile?.email ?? text("customers.email");
  const phone = profile?.phone ?? text("customers.phone");
  const fields = profile ? profileFields(profile.attributes) : [];
  return (
    <section className="sb-customer__card" aria-label={t("customer.card")}>
      <div className="sb-customer__who">
        <Avatar name={isUnverified(task.attributes) ? null : name} />
        <div>
          <p className="sb-customer__name">{name}</p>
          {isUnverified(task.attributes) && <UnverifiedBadge />}
        </div>
      </div>
      <dl className="sb-customer__contact">
        {email && (
          <div>
            <dt>{t("customer.email")}</dt>
            <dd>{email}</dd>
          </div>
        )}
        {phone && (
          <div>
            <dt>{t("customer.phone")}</dt>
            <dd>{phone}</dd>
          </div>
        )}
        {fields.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {profile && profile.addresses.length > 0 && (
        <ul className="sb-customer__addresses" aria-label={t("customer.addresses")}>
          {profile.addresses.map((a) => (
            <li key={`${a.channel}:${a.address}`}>
              <ChannelIcon channel={a.channel} />
              <span>{a.channel === "web" ? t("customer.webVisitor") : a.address}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
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
  const profileSid = profileSidOf(task);
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
              <ChannelIcon channel={conversation.channel} />
              <span>{conversation.channel ?? "—"}</span>
              <time dateTime={conversation.date_created}>{dates.format(new Date(conversation.date_created))}</time>
              <Badge tone={conversation.state === "closed" ? "neutral" : "info"}>{conversation.state}</Badge>
              <Outcome survey={conversation.survey ?? null} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** How the customer rated a past conversation: its stars and comment, or that they were asked and said nothing. */
function Outcome({ survey }: { survey: ConversationSurvey | null }) {
  const t = useStrings();
  if (survey === null) return null;
  if (survey.rating === null) return <span className="sb-muted">{t("customer.survey.unanswered")}</span>;
  const tone = survey.rating >= 4 ? "success" : survey.rating === 3 ? "warning" : "error";
  return (
    <span className="sb-customer__outcome">
      <Badge tone={tone} label={t("customer.survey.rated", { rating: survey.rating })}>
        {"★".repeat(survey.rating)}
      </Badge>
      {survey.comment && <q>{survey.comment}</q>}
    </span>
  );
}
