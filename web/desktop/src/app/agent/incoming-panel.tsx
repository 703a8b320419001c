/**
 * The ringing reservation: a panel in space reserved at the top of the task list (so nothing shifts
 * when it appears) with the channel's icon, who is calling, the queue, the start of their first message
 * (the task's `preview`), the intent a self-service bot recognised (a badge), a countdown to the reservation's timeout, and
 * Accept / Reject — buttons and the Alt+A / Alt+R shortcuts, both through the AcceptTask / RejectTask
 * actions. It marks when it was painted (`data-ring-at`, `window.__sbRingTimes`) for the benchmark.
 */
import { Badge, ChannelIcon, Icon } from "../ui";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import { customerLabel } from "../task/customer-data";
import type { DesktopTask } from "../types";
import { isUnverified } from "../task/customer-data";
import { UnverifiedBadge } from "../task/unverified-badge";
import { taskRefOf } from "./task-store";
import { isCallChannel } from "../task/call-view";
import { selfServiceOf } from "../task/self-service";

export interface RingTime {
  reservationSid: string;
  frameAt: number;
  paintedAt: number;
}

declare global {
  interface Window {
    __sbRingTimes?: RingTime[];
  }
}

/** Who a task is from, for display: the customer's name, email or phone, "Website visitor" (`anonymous`), or the task SID. */
export const fromOf = (task: DesktopTask, anonymous: string): string => customerLabel(task, anonymous);

const secondsLeft = (timeoutAt: number | null, now: number): number | null =>
  timeoutAt === null ? null : Math.max(0, Math.ceil((timeoutAt - now) / 1000));

/** Runs an action from a click or shortcut; failures are already shown as ActionFailed notifications. */
const settle = (promise: Promise<unknown>): void => void promise.catch(() => undefined);

export function IncomingPanel({ pending, frameAt }: { pending: readonly DesktopTask[]; frameAt: Readonly<Record<string, number>> }) {
  const desktop = useDesktop();
  const t = useStrings();
  const task = pending[0];
  const panel = useRef<HTMLDivElement>(null);
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!task) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [task]);

  useEffect(() => setBusy(false), [task?.reservationSid]);

  // The moment the ringing reservation is on screen: the frame after React committed it.
  const reservationSid = task?.reservationSid;
  const arrivedAt = reservationSid ? frameAt[reservationSid] : undefined;
  useLayoutEffect(() => {
    if (!reservationSid) return;
    const handle = requestAnimationFrame(() => {
      const paintedAt = performance.now();
      panel.current?.setAttribute("data-ring-at", String(paintedAt));
      (window.__sbRingTimes ??= []).push({ reservationSid, frameAt: arrivedAt ?? paintedAt, paintedAt });
    });
    return () => cancelAnimationFrame(handle);
  }, [reservationSid, arrivedAt]);

  const act = (name: "AcceptTask" | "RejectTask") => {
    if (!task || busy) return;
    setBusy(true);
    settle(
      desktop.Actions.invokeAction(name, { reservationSid: task.reservationSid, task: taskRefOf(task) }).finally(() => setBusy(false)),
    );
  };
  const actRef = useRef(act);
  actRef.current = act;

  useEffect(() => {
    if (!task) return;
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      // `code`, not `key`: Alt+A types "å" on a Mac keyboard.
      if (event.code === "KeyA") actRef.current("AcceptTask");
      else if (event.code === "KeyR") actRef.current("RejectTask");
      else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [task]);

  const left = task ? secondsLeft(task.timeoutAt, now) : null;
  // A call rings as a call ("Incoming video call from Ann"); any other channel by its name.
  const from = task ? fromOf(task, t("customer.webVisitor")) : "";
  const label = !task
    ? ""
    : isCallChannel(task.taskChannel)
      ? t("reservation.incomingCall", { kind: t(`call.kind.${task.taskChannel}`), from })
      : t("reservation.incoming", { channel: task.taskChannel, from });
  const preview = typeof task?.attributes.preview === "string" ? task.attributes.preview : null;
  const intent = task ? (selfServiceOf(task.attributes)?.intent ?? null) : null;
  return (
    <div className="sb-incoming-slot" aria-live="assertive">
      {!task && (
        <div className="sb-incoming-idle">
          <Icon name="bell" size={18} />
          <span>{t("reservation.idle")}</span>
        </div>
      )}
      {task && (
        <div
          ref={panel}
          className="sb-incoming"
          role="group"
          aria-label={label}
          aria-describedby="sb-incoming-shortcuts"
          data-reservation-sid={task.reservationSid}
        >
          <span className="sb-card-icon">
            <ChannelIcon channel={task.taskChannel} />
          </span>
          <div className="sb-incoming-text">
            <span className="sb-incoming-who">
              <strong>{label}</strong>
              {isUnverified(task.attributes) && <UnverifiedBadge />}
              {intent && (
                <Badge tone="info" label={t("selfService.intent.badge", { intent })}>
                  <Icon name="bot" /> {intent}
                </Badge>
              )}
            </span>
            {task.queueName && <span className="sb-muted">{t("reservation.queue", { queue: task.queueName })}</span>}
            {pending.length > 1 && <span className="sb-muted">{t("reservation.waiting", { count: pending.length - 1 })}</span>}
            {preview && <q className="sb-incoming-preview">{preview}</q>}
          </div>
          <span className="sb-countdown" role="timer" aria-live="off">
            {left === null ? null : left > 0 ? t("reservation.countdown", { seconds: left }) : t("reservation.timedOut")}
          </span>
          <p id="sb-incoming-shortcuts" className="sb-visually-hidden">
            {t("reservation.shortcuts")}
          </p>
          <div className="sb-incoming-actions">
            <button
              type="button"
              className="sb-button sb-button-primary"
              aria-keyshortcuts="Alt+A"
              disabled={busy}
              onClick={() => act("AcceptTask")}
            >
              {t("reservation.accept")} <kbd aria-hidden="true">Alt+A</kbd>
            </button>
            <button type="button" className="sb-button" aria-keyshortcuts="Alt+R" disabled={busy} onClick={() => act("RejectTask")}>
              {t("reservation.reject")} <kbd aria-hidden="true">Alt+R</kbd>
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
