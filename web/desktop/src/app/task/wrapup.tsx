/**
 * Wrap-up: "Wrap up" invokes WrapupTask; then the agent picks a disposition (the workspace's
 * `dispositionCodes`, a native radio group — arrow keys move between codes) and "Complete" invokes
 * CompleteTask with the code as the completion `reason`. With no codes configured, Complete needs none.
 * When the task's queue ends wrap-up by itself (`WrapUpTimeoutSeconds`), a countdown says when. The shell
 * registers both actions; this only invokes them.
 */
import { Countdown } from "../ui";
import { useId, useState } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import type { DesktopTask } from "../types";
import { taskRef } from "./actions";

export interface WrapupProps {
  readonly task: DesktopTask;
  readonly dispositionCodes: readonly string[];
  /** Wrapping (the task says so, or WrapupTask just succeeded). */
  readonly wrapping: boolean;
  readonly onWrapping: () => void;
}

export function Wrapup({ task, dispositionCodes, wrapping, onWrapping }: WrapupProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const [code, setCode] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const legendId = useId();

  const run = async <R,>(action: () => Promise<R>, then?: (result: R) => void): Promise<void> => {
    setBusy(true);
    try {
      const result = await action(); // not inside then?.(…): a missing `then` would skip the call
      then?.(result);
    } catch {
      // shown as an ActionFailed notification
    } finally {
      setBusy(false);
    }
  };

  // Resolves true when a plugin canceled the wrap-up (invokeAction resolves either way).
  const wrapup = async (): Promise<boolean> => {
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

  if (!wrapping) {
    if (task.state !== "accepted") return null;
    return (
      <button type="button" disabled={busy} onClick={() => void run(wrapup, (canceled) => canceled || onWrapping())}>
        {t("task.wrapup")}
      </button>
    );
  }

  const needsCode = dispositionCodes.length > 0;
  const complete = (): Promise<unknown> =>
    desktop.Actions.invokeAction("CompleteTask", { task: taskRef(task), ...(code !== null ? { reason: code, disposition: code } : {}) });
  return (
    <form
      className="sb-wrapup"
      onSubmit={(event) => {
        event.preventDefault();
        if (!needsCode || code !== null) void run(complete);
      }}
    >
      {needsCode && (
        <fieldset role="radiogroup" aria-labelledby={legendId}>
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
      <button type="submit" className="sb-primary" disabled={busy || (needsCode && code === null)}>
        {t("task.complete")}
      </button>
      {task.wrapupEndsAt !== null && (
        <p className="sb-wrapup-ends">
          {t("task.wrapupEnds")} <Countdown until={task.wrapupEndsAt} label={t("task.wrapupEnds")} />
        </p>
      )}
    </form>
  );
}
