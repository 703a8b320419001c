/**
 * Wrap-up. In the header, "Wrap up" invokes WrapupTask (a plugin may cancel it). Then the canvas shows
 * the wrap-up panel where the composer was: how long the agent has been wrapping up (and, when the
 * task's queue ends wrap-up by itself — `WrapUpTimeoutSeconds` — a countdown to it), the disposition (the
 * workspace's `dispositionCodes`, a native radio group: arrow keys move between codes), a notes field,
 * and "Complete". Notes are kept with the conversation as an internal note (staff only, in the transcript
 * for whoever reads it next; `POST /api/conversations/CH…/notes`, as the agent has left the conversation by
 * then), stored before CompleteTask runs with the code as the completion `reason` (and `notes` in its
 * payload, for plugins). With no codes configured, Complete needs none. The shell
 * registers both actions; this only invokes them.
 */
import { useId, useMemo, useState } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import type { DesktopSession, DesktopTask } from "../types";
import { Countdown, Icon, Timer } from "../ui";
import { taskRef } from "./actions";
import { addAgentNote } from "./api";

export interface WrapupButtonProps {
  readonly task: DesktopTask;
  /** WrapupTask succeeded (a plugin did not cancel it). */
  readonly onWrapping: () => void;
}

/** Resolves true when a plugin canceled the wrap-up (invokeAction resolves either way). */
function useWrapupAction(task: DesktopTask): () => Promise<boolean> {
  const desktop = useDesktop();
  return async () => {
    let canceled = false;
    const off = desktop.Actions.onStateChange((event) => {
      const sid = (event.payload as { task?: { sid?: unknown } } | null)?.task?.sid;
      if (event.name === "WrapupTask" && event.phase === "canceled" && sid === task.taskSid) canceled = true;
    });
    try {
      await desktop.Actions.invokeAction("WrapupTask", { task: taskRef(task) });
    } finally {
      off();
    }
    return canceled;
  };
}

/** "Wrap up", shown while the task is accepted. */
export function WrapupButton({ task, onWrapping }: WrapupButtonProps) {
  const t = useStrings();
  const wrapup = useWrapupAction(task);
  const [busy, setBusy] = useState(false);
  if (task.state !== "accepted") return null;
  const run = async (): Promise<void> => {
    setBusy(true);
    try {
      if (!(await wrapup())) onWrapping();
    } catch {
      // shown as an ActionFailed notification
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" disabled={busy} onClick={() => void run()}>
      {t("task.wrapup")}
    </button>
  );
}

export interface WrapupPanelProps {
  readonly task: DesktopTask;
  readonly session: DesktopSession;
  readonly dispositionCodes: readonly string[];
}

export function WrapupPanel({ task, session, dispositionCodes }: WrapupPanelProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const [code, setCode] = useState<string | null>(null);
  const [notes, setNotes] = useState("");
  const [busy, setBusy] = useState(false);
  const [since] = useState(() => task.wrappingSince ?? Date.now());
  const titleId = useId();
  const legendId = useId();
  const notesId = useId();
  const needsCode = dispositionCodes.length > 0;
  // One note per wording: Complete tried again after a failure does not write the same note twice.
  const body =
    code !== null ? t("task.wrapupNotes.withCode", { code, notes: notes.trim() }) : t("task.wrapupNotes.body", { notes: notes.trim() });
  const clientId = useMemo(() => crypto.randomUUID(), [body]); // a new one whenever the wording changes

  // The notes go into the transcript as an internal note, stored before the task completes.
  const keepNotes = async (): Promise<void> => {
    if (task.conversationSid !== null) await addAgentNote(session, task.conversationSid, body, clientId);
  };

  const complete = async (): Promise<void> => {
    setBusy(true);
    const text = notes.trim();
    try {
      if (text !== "") await keepNotes();
    } catch (error) {
      // Not completed: the notes would be lost with the agent's place in the conversation.
      desktop.Notifications.show("ActionFailed", {
        action: "CompleteTask",
        message: error instanceof Error ? error.message : String(error),
      });
      setBusy(false);
      return;
    }
    try {
      await desktop.Actions.invokeAction("CompleteTask", {
        task: taskRef(task),
        ...(code !== null ? { reason: code, disposition: code } : {}),
        ...(text !== "" ? { notes: text } : {}),
      });
    } catch {
      // shown as an ActionFailed notification by the desktop
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="sb-wrapup" aria-labelledby={titleId}>
      <header className="sb-wrapup__head">
        <h3 id={titleId}>{t("task.wrapupPanel")}</h3>
        <Timer since={since} label={t("task.wrappingFor")} />
        {task.wrapupEndsAt !== null && (
          <p className="sb-wrapup-ends">
            {t("task.wrapupEnds")} <Countdown until={task.wrapupEndsAt} label={t("task.wrapupEnds")} />
          </p>
        )}
      </header>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!needsCode || code !== null) void complete();
        }}
      >
        {needsCode && (
          <fieldset role="radiogroup" aria-labelledby={legendId} className="sb-wrapup__codes">
            <legend id={legendId}>{t("task.disposition")}</legend>
            {dispositionCodes.map((option) => (
              <label key={option}>
                <input
                  type="radio"
                  name={`disposition-${task.reservationSid}`}
                  value={option}
                  checked={code === option}
                  onChange={() => setCode(option)}
                />
                {option}
              </label>
            ))}
          </fieldset>
        )}
        {task.conversationSid !== null && (
          <div className="sb-wrapup__notes">
            <label htmlFor={notesId}>
              <Icon name="lock" size={12} /> {t("task.wrapupNotes")}
            </label>
            <textarea id={notesId} rows={3} value={notes} onChange={(event) => setNotes(event.target.value)} />
          </div>
        )}
        <button type="submit" className="sb-primary" disabled={busy || (needsCode && code === null)}>
          {t("task.complete")}
        </button>
      </form>
    </section>
  );
}
