/**
 * The transfer dialog: the workspace's queues and agents (`GET /api/workspaces/:ws/transfer-targets`),
 * filtered by a search box; picking one invokes the TransferTask action. A modal `role="dialog"`: focus
 * starts in the search box, Tab stays inside, ArrowUp/ArrowDown move between targets, Escape closes and
 * focus returns to whatever opened it.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import type { DesktopSession, DesktopTask } from "../types";
import { taskRef } from "./actions";
import { transferTargets, type TransferTargets } from "./api";

export interface TransferDialogProps {
  readonly task: DesktopTask;
  readonly session: DesktopSession;
  readonly onClose: () => void;
}

const focusable = 'button:not([disabled]), input:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

export function TransferDialog({ task, session, onClose }: TransferDialogProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const [targets, setTargets] = useState<TransferTargets | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const dialog = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const titleId = useId();

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    search.current?.focus();
    return () => opener?.focus?.();
  }, []);

  useEffect(() => {
    let live = true;
    transferTargets(session.user.workspaceSid).then(
      (loaded) => live && setTargets(loaded),
      (failure: unknown) => live && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      live = false;
    };
  }, [session.user.workspaceSid]);

  const needle = query.trim().toLocaleLowerCase();
  const matches = (name: string): boolean => needle === "" || name.toLocaleLowerCase().includes(needle);
  const queues = targets?.queues.filter((q) => matches(q.friendly_name)) ?? [];
  const workers = targets?.workers.filter((w) => w.sid !== session.user.workerSid && matches(w.friendly_name)) ?? [];

  const pick = (targetType: "queue" | "worker", targetSid: string): void => {
    onClose();
    void desktop.Actions.invokeAction("TransferTask", { task: taskRef(task), targetType, targetSid }).catch(() => undefined);
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onClose();
      return;
    }
    const root = dialog.current;
    if (!root) return;
    if (event.key === "Tab") {
      const all = [...root.querySelectorAll<HTMLElement>(focusable)];
      const first = all[0];
      const last = all.at(-1);
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const options = [...root.querySelectorAll<HTMLElement>("[data-target]")];
      if (options.length === 0) return;
      event.preventDefault();
      const index = options.indexOf(document.activeElement as HTMLElement);
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = index === -1 ? (step === 1 ? 0 : options.length - 1) : (index + step + options.length) % options.length;
      options[next]!.focus();
    }
  };

  return (
    <div className="sb-dialog__backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div ref={dialog} className="sb-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <h2 id={titleId}>{t("task.transfer.to")}</h2>
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
                  <button type="button" data-target="queue" onClick={() => pick("queue", queue.sid)}>
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
                  <button type="button" data-target="worker" onClick={() => pick("worker", worker.sid)}>
                    <span>{worker.friendly_name}</span>
                    <span className={worker.available ? "sb-badge sb-badge--ok" : "sb-badge"}>
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
      </div>
    </div>
  );
}
