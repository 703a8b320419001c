/**
 * The supervisor views: Teams and Queue Stats as two tabs over ONE live connection — a socket to
 * `/api/realtime` with the supervisor's token, which answers with `supervisor.snapshot` and then
 * `supervisor.delta` frames (at most one a second from each region the workspace uses), so the views are
 * never more than about a second behind any region (today's queue figures included, summed over the
 * regions; each agent's region is shown when there are several, and a region that cannot be reached is
 * named); it reconnects with backoff and gets a fresh snapshot. One clock ticks every second for the
 * time-in-state and longest-wait columns. Registers the supervisor's actions (actions.ts) while shown.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import type { DesktopSession } from "../types";
import { registerSupervisorActions } from "./actions";
import { applyFrame, EMPTY_FEED, openSupervisorFeed, type FeedState, type FeedStatus } from "./feed";
import { useNow } from "./format";
import type { Backoff } from "../../../../socket/reconnecting-socket";
import { HeadlineTiles } from "./headline-tiles";
import { QueueStatsView } from "./queue-stats-view";
import { ensureSupervisorStyles } from "./styles";
import { TeamsView } from "./teams-view";

export interface SupervisorViewProps {
  readonly session: DesktopSession;
  /** For tests: the socket constructor, the realtime URL and the reconnect delays. */
  readonly WebSocket?: typeof WebSocket;
  readonly realtimeUrl?: string;
  readonly backoff?: Partial<Backoff>;
}

type Tab = "teams" | "queues";
const TABS: readonly Tab[] = ["teams", "queues"];

/** The feed's state and the connection's status, for as long as the component is mounted. */
function useSupervisorFeed(props: SupervisorViewProps): { feed: FeedState; status: FeedStatus } {
  const [feed, setFeed] = useState<FeedState>(EMPTY_FEED);
  const [status, setStatus] = useState<FeedStatus>("connecting");
  const { session, WebSocket, realtimeUrl, backoff } = props;
  useEffect(() => {
    const feed = openSupervisorFeed({
      token: (fresh) => session.token(fresh),
      onFrame: (frame, at) => setFeed((state) => applyFrame(state, frame, at)),
      onStatus: setStatus,
      ...(WebSocket ? { WebSocket } : {}),
      ...(realtimeUrl ? { url: realtimeUrl } : {}),
      ...(backoff ? { backoff } : {}),
    });
    return () => feed.close("closed by the supervisor view");
  }, [session, WebSocket, realtimeUrl, backoff]);
  return { feed, status };
}

/**
 * @example <SupervisorView session={session} />
 */
export function SupervisorView(props: SupervisorViewProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const { feed, status } = useSupervisorFeed(props);
  const workspaceSid = props.session.user.workspaceSid;
  const now = useNow();
  const [tab, setTab] = useState<Tab>("teams");
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>());

  useEffect(() => ensureSupervisorStyles(), []);
  useEffect(() => registerSupervisorActions(desktop, workspaceSid), [desktop, workspaceSid]);

  const onTabKey = (event: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step === undefined && event.key !== "Home" && event.key !== "End") return;
    event.preventDefault();
    // Arrow keys follow the reading direction: in right-to-left, ArrowLeft moves forward.
    const rtl = desktop.Strings.dir === "rtl";
    const index = TABS.indexOf(tab);
    const next =
      event.key === "Home" ? 0 : event.key === "End" ? TABS.length - 1 : (index + (rtl ? -step! : step!) + TABS.length) % TABS.length;
    const target = TABS[next]!;
    setTab(target);
    tabRefs.current.get(target)?.focus();
  };

  const label: Record<Tab, string> = { teams: t("supervisor.teams.title"), queues: t("supervisor.queues.title") };
  return (
    <div className="sb-sv">
      <div className="sb-sv-top">
        <div className="sb-sv-tabs" role="tablist" aria-label={t("supervisor.tabs")} onKeyDown={onTabKey}>
          {TABS.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              id={`sb-sv-tab-${name}`}
              aria-controls={`sb-sv-panel-${name}`}
              aria-selected={tab === name}
              tabIndex={tab === name ? 0 : -1}
              ref={(element) => {
                if (element) tabRefs.current.set(name, element);
              }}
              onClick={() => setTab(name)}
            >
              {label[name]}
            </button>
          ))}
        </div>
        <p className="sb-sv-status" role="status">
          {status === "online" ? t("header.connection.online") : status === "offline" ? t("header.connection.offline") : t("app.loading")}
        </p>
      </div>
      {feed.missingRegions.length > 0 && (
        <p className="sb-sv-error" role="alert">
          {t("supervisor.regionsMissing", { regions: feed.missingRegions.join(", ") })}
        </p>
      )}
      {TABS.map((name) => (
        <div key={name} role="tabpanel" id={`sb-sv-panel-${name}`} aria-labelledby={`sb-sv-tab-${name}`} hidden={tab !== name}>
          {!feed.ready ? (
            <p>{t("app.loading")}</p>
          ) : name === "teams" ? (
            <TeamsView
              workers={feed.workers}
              now={now}
              showRegions={feed.regions.length > 1}
              movableTo={props.session.user.role === "admin" ? feed.regions : []}
              {...(feed.team ? { channels: feed.team.task_channels.map((c) => c.task_channel_sid) } : {})}
            />
          ) : (
            <>
              <HeadlineTiles queues={feed.queues} team={feed.team} now={now} />
              <QueueStatsView queues={feed.queues} workers={feed.workers} now={now} />
            </>
          )}
        </div>
      ))}
    </div>
  );
}
