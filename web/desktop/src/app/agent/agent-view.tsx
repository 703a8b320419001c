/**
 * The agent's desktop: one live socket, the activity selector, the incoming (ringing) reservation, the
 * task list, and one `TaskCanvas` per task in hand — all kept mounted, only the selected one shown, so
 * each keeps its draft and scroll position. Registers the agent's actions for as long as it is shown.
 */
import { EmptyState, Icon, Splitter, usePaneWidth } from "../ui";
import { AgentQueues } from "./agent-queues";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { Backoff } from "../../../../socket/reconnecting-socket";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";
import { TaskCanvas } from "../task/task-canvas";
import type { DesktopSession, DesktopSettings } from "../types";
import { ActivitySelector } from "./activity-selector";
import { registerAgentActions } from "./agent-actions";
import type { HelloActivity as ActivityInfo } from "../../../../../contract/realtime-frames";
import { fromOf, IncomingPanel } from "./incoming-panel";
import { RealtimeClient } from "./realtime-client";
import { createRinger, type Ringer } from "./ringer";
import { AgentStore } from "./task-store";
import { TaskList } from "./task-list";

export interface AgentViewProps {
  session: DesktopSession;
  settings: DesktopSettings;
  /** What the desktop knows before the socket says more (from /api/auth/me). */
  initialActivity?: { sid: string; name: string; available: boolean } | null;
  initialActivities?: readonly ActivityInfo[];
  /** For tests: the socket constructor, the realtime URL, the reconnect delays and the ringer. */
  WebSocket?: typeof WebSocket;
  realtimeUrl?: string;
  backoff?: Partial<Backoff>;
  ringer?: Ringer;
}

const seqKey = (workerSid: string | null) => `switchboard.realtime.seq.${workerSid ?? "none"}`;

function storedSeq(workerSid: string | null): number {
  try {
    const value = Number(sessionStorage.getItem(seqKey(workerSid)));
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}

export function AgentView(props: AgentViewProps) {
  const { session, settings } = props;
  const desktop = useDesktop();
  const t = useStrings();
  const [store] = useState(() => {
    const s = new AgentStore(desktop.TaskEvents);
    if (props.initialActivities) s.addActivities(props.initialActivities);
    if (props.initialActivity) s.setActivity(props.initialActivity.sid, props.initialActivity.name, props.initialActivity.available);
    return s;
  });
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const { Notifications } = desktop;
    const workerSid = session.user.workerSid;
    // From 0 on a fresh page: the server's log (the last hour) rebuilds the reservations still open.
    const client = new RealtimeClient({
      token: (fresh) => session.token(fresh),
      since: storedSeq(workerSid),
      ...(latest.current.WebSocket ? { WebSocket: latest.current.WebSocket } : {}),
      ...(latest.current.realtimeUrl ? { url: latest.current.realtimeUrl } : {}),
      ...(latest.current.backoff ? { backoff: latest.current.backoff } : {}),
      onFrame: (frame, receivedAt) => {
        store.apply(frame, receivedAt);
        // Back after presence set them offline (their connection was gone past the grace period): say why.
        const offline = frame.type === "hello" ? frame.presence_offline : null;
        if (offline) {
          // Why: every connection gone, or one open but silent (a laptop asleep), for the grace period.
          const minutes = Math.max(1, Math.round((offline.grace_ms ?? 60_000) / 60_000));
          const why = desktop.Strings.t(offline.reason === "silent" ? "presence.why.silent" : "presence.why.disconnected", {
            count: minutes,
          });
          Notifications.show("PresenceOffline", { activity: offline.activity_name ?? offline.activity_sid, why });
        }
        if (client.lastSeq !== null) {
          try {
            sessionStorage.setItem(seqKey(workerSid), String(client.lastSeq));
          } catch {
            // Storage unavailable: a reload replays from the start of the log instead.
          }
        }
      },
      onStatus: (status, previous) => {
        store.setConnection(status);
        if (status === "offline" && previous === "online") {
          Notifications.dismissAll("ConnectionRestored");
          Notifications.show("ConnectionLost");
        } else if (status === "online" && previous === "offline") {
          Notifications.dismissAll("ConnectionLost");
          Notifications.show("ConnectionRestored");
        }
      },
    });
    const unregister = registerAgentActions(desktop, store, client);
    client.start();
    return () => {
      client.stop();
      unregister();
      Notifications.dismissAll("ConnectionLost");
    };
  }, [desktop, session, store]);

  const [sideWidth, setSideWidth] = usePaneWidth("tasks", 300, 240, 440);
  const pending = state.tasks.filter((task) => task.state === "pending");
  const inHand = state.tasks.filter((task) => task.state !== "pending");

  // Ringing: sound while anything is pending, and one ReservationRinging notification per reservation.
  const ringer = useRef<Ringer | null>(null);
  useEffect(() => {
    const made = latest.current.ringer ?? createRinger();
    ringer.current = made;
    return () => {
      made.dispose();
      ringer.current = null;
    };
  }, []);
  useEffect(() => {
    if (pending.length > 0) ringer.current?.start();
    else ringer.current?.stop();
  }, [pending.length]);
  const shown = useRef(new Map<string, string>());
  useEffect(() => {
    const open = new Set(pending.map((task) => task.reservationSid));
    for (const [reservationSid, key] of shown.current) {
      if (!open.has(reservationSid)) {
        desktop.Notifications.dismiss(key);
        shown.current.delete(reservationSid);
      }
    }
    for (const task of pending) {
      if (shown.current.has(task.reservationSid)) continue;
      const key = desktop.Notifications.show("ReservationRinging", {
        channel: task.taskChannel,
        from: fromOf(task, t("customer.webVisitor")),
        reservationSid: task.reservationSid,
      });
      shown.current.set(task.reservationSid, key ?? "");
    }
  }, [pending, desktop]);
  useEffect(() => {
    const keys = shown.current;
    return () => {
      for (const key of keys.values()) desktop.Notifications.dismiss(key);
      keys.clear();
    };
  }, [desktop]);

  return (
    <div className="sb-agent">
      <aside className="sb-agent-side" aria-label={t("taskList.title")} style={{ inlineSize: sideWidth }}>
        <div className="sb-agent-status">
          <ActivitySelector activities={state.activities} activitySid={state.activitySid} disabled={state.connection !== "online"} />
          <span className="sb-connection" data-status={state.connection} role="status">
            {state.connection === "online" ? t("header.connection.online") : t("header.connection.offline")}
          </span>
        </div>
        <IncomingPanel pending={pending} frameAt={state.frameAt} />
        <AgentQueues queues={state.queues} />
        <Slot slots={desktop.Slots} name="AgentDesktop.TaskList" props={{ tasks: state.tasks }} />
        <TaskList tasks={inHand} selectedTaskSid={state.selectedTaskSid} session={session} queues={state.queues} />
      </aside>
      <Splitter label={t("taskList.resize")} pane="start" width={sideWidth} min={240} max={440} onResize={setSideWidth} />
      <main className="sb-agent-main" id="sb-main" tabIndex={-1}>
        {inHand.length === 0 && (
          <EmptyState icon={<Icon name="inbox" size={24} />} title={t("agent.empty.title")}>
            {t("agent.empty.body")}
          </EmptyState>
        )}
        {inHand.map((task) => {
          const active = task.taskSid === state.selectedTaskSid;
          return (
            <div key={task.reservationSid} className="sb-canvas-host" data-active={active} inert={!active} aria-hidden={!active}>
              <TaskCanvas task={task} session={session} settings={settings} active={active} />
            </div>
          );
        })}
      </main>
    </div>
  );
}
