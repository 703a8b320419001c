/**
 * The Self-service panel beside the customer's card (issue 16): when a flow handed the conversation to an
 * agent, what it learned — the flow's name, the bot's last intent with how sure it was, the customer's
 * mood (a word and a face, never only a number or a colour), the variables the flow collected, and the
 * self-service transcript, collapsed to its last lines until the agent expands it. Nothing renders for a
 * task no flow handed over. The rules (what is read, how a score reads) are self-service.ts's.
 */
import { useId, useState } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import { Badge, Icon, type Tone } from "../ui";
import {
  COLLAPSED_LINES,
  confidencePercent,
  selfServiceOf,
  sentimentWord,
  variableRows,
  visibleLines,
  type SentimentWord,
} from "./self-service";

const SENTIMENT_LOOK: Record<SentimentWord, { readonly tone: Tone; readonly icon: "smile" | "meh" | "frown" }> = {
  positive: { tone: "success", icon: "smile" },
  neutral: { tone: "neutral", icon: "meh" },
  negative: { tone: "error", icon: "frown" },
};

/**
 * @example <SelfServicePanel attributes={task.attributes} />
 */
export function SelfServicePanel({ attributes }: { readonly attributes: Readonly<Record<string, unknown>> }) {
  const { Strings } = useDesktop();
  const t = useStrings();
  const headingId = useId();
  const transcriptId = useId();
  const listId = useId();
  const [expanded, setExpanded] = useState(false);
  const context = selfServiceOf(attributes);
  if (context === null) return null;

  const sure = confidencePercent(context.confidence, Strings.locale);
  const mood = sentimentWord(context.sentiment);
  const variables = variableRows(context.variables);
  const lines = visibleLines(context.transcript, expanded);
  const times = new Intl.DateTimeFormat(Strings.locale, { timeStyle: "short" });
  const timeOf = (at: string): string | null => {
    const date = new Date(at);
    return Number.isNaN(date.getTime()) ? null : times.format(date);
  };

  return (
    <section className="sb-self-service" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <Icon name="bot" /> {t("selfService.title")}
      </h3>
      {context.flow_name && <p className="sb-muted sb-self-service__flow">{t("selfService.flow", { flow: context.flow_name })}</p>}
      <dl className="sb-self-service__facts">
        <div>
          <dt>{t("selfService.intent")}</dt>
          <dd>
            {context.intent === null ? (
              <span className="sb-muted">{t("selfService.intent.none")}</span>
            ) : (
              <>
                <Badge tone="info">{context.intent}</Badge>
                {sure && <span className="sb-self-service__sure">{t("selfService.confidence", { percent: sure })}</span>}
              </>
            )}
          </dd>
        </div>
        {mood && (
          <div>
            <dt>{t("selfService.sentiment")}</dt>
            <dd>
              <Badge tone={SENTIMENT_LOOK[mood].tone}>
                <Icon name={SENTIMENT_LOOK[mood].icon} /> {t(`selfService.sentiment.${mood}`)}
              </Badge>
            </dd>
          </div>
        )}
      </dl>
      <h4>{t("selfService.variables")}</h4>
      {variables.length === 0 ? (
        <p className="sb-muted">{t("selfService.variables.empty")}</p>
      ) : (
        <dl className="sb-customer__attributes" aria-label={t("selfService.variables")}>
          {variables.map((row) => (
            <div key={row.key}>
              <dt>{row.key}</dt>
              <dd>{row.value === "" ? "—" : row.value}</dd>
            </div>
          ))}
        </dl>
      )}
      <h4 id={transcriptId}>{t("selfService.transcript")}</h4>
      {context.transcript.length === 0 ? (
        <p className="sb-muted">{t("selfService.transcript.empty")}</p>
      ) : (
        <ol id={listId} className="sb-self-service__transcript" aria-labelledby={transcriptId}>
          {lines.map((line, i) => {
            const at = timeOf(line.at);
            return (
              <li key={`${line.at}:${i}`} data-from={line.from}>
                <span className="sb-self-service__who">
                  {line.from === "bot" ? <Icon name="bot" /> : <Icon name="account" />}
                  {t(`selfService.from.${line.from}`)}
                  {at && <time dateTime={line.at}>{at}</time>}
                </span>
                <p>{line.body}</p>
              </li>
            );
          })}
        </ol>
      )}
      {context.transcript.length > COLLAPSED_LINES && (
        <button
          type="button"
          className="sb-self-service__more"
          aria-expanded={expanded}
          aria-controls={listId}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? t("selfService.transcript.showLast") : t("selfService.transcript.showAll", { count: context.transcript.length })}
        </button>
      )}
    </section>
  );
}
