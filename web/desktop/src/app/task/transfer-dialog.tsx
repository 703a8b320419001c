/**
 * The transfer dialog: the workspace's queues and agents (`GET /api/workspaces/:ws/transfer-targets`),
 * filtered by a search box; picking one invokes the TransferTask action (a cold transfer, of a chat or a
 * call alike) — or, given `onPick`, hands the target to the caller (a call's consult or added participant,
 * with its own `title`). The design system's modal Dialog
 * (focus starts in the search box, Tab stays inside, Escape closes, focus returns to whatever opened it);
 * ArrowUp/ArrowDown move between targets.
 */
import { useRef, useState } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import { arrowKeysAmong, Dialog } from "../ui";
import type { DesktopSession, DesktopTask } from "../types";
import { taskRef } from "./actions";
import { transferTargets } from "./api";
import { useLoaded } from "./use-loaded";

export interface TransferDialogProps {
  readonly task: DesktopTask;
  readonly session: DesktopSession;
  readonly onClose: () => void;
  /** The dialog's title; default "Transfer to". */
  readonly title?: string;
  /** What picking a target does instead of TransferTask. */
  readonly onPick?: (target: { targetType: "queue" | "worker"; targetSid: string; name: string }) => void;
}

export function TransferDialog({ task, session, onClose, title, onPick }: TransferDialogProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const [query, setQuery] = useState("");
  const search = useRef<HTMLInputElement>(null);

  const { value: targets, error } = useLoaded(() => transferTargets(session.user.workspaceSid), session.user.workspaceSid);

  const needle = query.trim().toLocaleLowerCase();
  const matches = (name: string): boolean => needle === "" || name.toLocaleLowerCase().includes(needle);
  const queues = targets?.queues.filter((q) => matches(q.friendly_name)) ?? [];
  const workers = targets?.workers.filter((w) => w.sid !== session.user.workerSid && matches(w.friendly_name)) ?? [];

  const pick = (targetType: "queue" | "worker", targetSid: string, name: string): void => {
    onClose();
    if (onPick) return onPick({ targetType, targetSid, name });
    void desktop.Actions.invokeAction("TransferTask", { task: taskRef(task), targetType, targetSid }).catch(() => undefined);
  };

  // Up and down through the targets; Escape, Tab and focus are the Dialog's.
  const onKeyDown = arrowKeysAmong("[data-target]");

  return (
    <Dialog title={title ?? t("task.transfer.to")} onClose={onClose} initialFocus={search} onKeyDown={onKeyDown} className="sb-dialog">
      <input
        ref={search}
        type="search"
        aria-label={t("task.transfer.searchPlaceholder")}
        placeholder={t("task.transfer.searchPlaceholder")}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      {error && <p role="alert">{error}</p>}
      {!targets && !error && <p className="sb-muted">{t("app.loading")}</p>}
      {targets && queues.length + workers.length === 0 && <p className="sb-muted">{t("task.transfer.empty")}</p>}
      {queues.length > 0 && (
        <section aria-label={t("task.transfer.queues")}>
          <h3>{t("task.transfer.queues")}</h3>
          <ul className="sb-dialog__targets">
            {queues.map((queue) => (
              <li key={queue.sid}>
                <button type="button" data-target="queue" onClick={() => pick("queue", queue.sid, queue.friendly_name)}>
                  {queue.friendly_name}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {workers.length > 0 && (
        <section aria-label={t("task.transfer.agents")}>
          <h3>{t("task.transfer.agents")}</h3>
          <ul className="sb-dialog__targets">
            {workers.map((worker) => (
              <li key={worker.sid}>
                <button type="button" data-target="worker" onClick={() => pick("worker", worker.sid, worker.friendly_name)}>
                  <span>{worker.friendly_name}</span>
                  <span className="sb-badge" data-tone={worker.available ? "success" : "neutral"}>
                    {t(worker.available ? "task.transfer.available" : "task.transfer.unavailable")}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="sb-dialog__actions">
        <button type="button" onClick={onClose}>
          {t("app.cancel")}
        </button>
      </div>
    </Dialog>
  );
}
