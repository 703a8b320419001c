/**
 * The supervisor views: Teams, Queue Stats and Live (the team's live chats to watch, whisper in and join:
 * live-view.tsx) as three tabs (the design system's Tabs) over ONE live connection — a socket to
 * `/api/realtime` with the supervisor's token, which answers with `supervisor.snapshot` and then
 * `supervisor.delta` frames (at most one a second from each region the workspace uses), so the views are
 * never more than about a second behind any region (today's queue figures included, summed over the
 * regions; each agent's region is shown when there are several, and a region that cannot be reached is
 * named); it reconnects with backoff and gets a fresh snapshot. One clock ticks every second for the
 * time-in-state and longest-wait columns. Registers the supervisor's actions (actions.ts) while shown.
 */
import { useEffect, useState, type ReactNode } from "react";
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
import { LiveView } from "./live-view";
import { Tabs } from "../ui";

export interface SupervisorViewProps {
  readonly session: DesktopSession;
  /** For tests: the socket constructor, the realtime URL and the reconnect delays. */
  readonly WebSocket?: typeof WebSocket;
  readonly realtimeUrl?: string;
  readonly backoff?: Partial<Backoff>;
}

type Tab = "teams" | "queues" | "live";
const TABS: readonly Tab[] = ["teams", "queues", "live"];

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

  useEffect(() => ensureSupervisorStyles(), []);
  useEffect(() => registerSupervisorActions(desktop, workspaceSid), [desktop, workspaceSid]);

  const loading = <p>{t("app.loading")}</p>;
  const panels: Record<Tab, ReactNode> = {
    teams: (
      <TeamsView
        workers={feed.workers}
        now={now}
        showRegions={feed.regions.length > 1}
        movableTo={props.session.user.role === "admin" ? feed.regions : []}
        {...(feed.team ? { channels: feed.team.task_channels.map((c) => c.task_channel_sid) } : {})}
      />
    ),
    queues: (
      <>
        <HeadlineTiles queues={feed.queues} team={feed.team} now={now} />
        <QueueStatsView queues={feed.queues} workers={feed.workers} now={now} />
      </>
    ),
    live: <LiveView workers={feed.workers} session={props.session} />,
  };
  const label: Record<Tab, string> = {
    teams: t("supervisor.teams.title"),
    queues: t("supervisor.queues.title"),
    live: t("supervisor.live.title"),
  };
  return (
    <div className="sb-sv">
      <div className="sb-sv-top">
        <p className="sb-sv-status" role="status">
          {status === "online" ? t("header.connection.online") : status === "offline" ? t("header.connection.offline") : t("app.loading")}
        </p>
      </div>
      {feed.missingRegions.length > 0 && (
        <p className="sb-sv-error" role="alert">
          {t("supervisor.regionsMissing", { regions: feed.missingRegions.join(", ") })}
        </p>
      )}
      <Tabs
        label={t("supervisor.tabs")}
        selected={tab}
        onSelect={(key) => setTab(key as Tab)}
        tabs={TABS.map((name) => ({ key: name, label: label[name], panel: feed.ready ? panels[name] : loading }))}
      />
    </div>
  );
}
