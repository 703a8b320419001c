/**
 * "Send to a flow…" (issue 16): the workspace's published flows (flows-api.ts), filtered by a search box;
 * picking one invokes the SendToFlow action — the customer goes on with that flow (a survey, a bot that
 * finishes the job) and the agent's task goes to wrap-up, which `onSent` shows at once. The design
 * system's modal Dialog (focus starts in the search box, Tab stays inside, Escape closes); ArrowUp/ArrowDown
 * move between flows, as in the transfer dialog.
 */
import { useRef, useState } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import { arrowKeysAmong, Dialog, Icon } from "../ui";
import type { DesktopSession, DesktopTask } from "../types";
import { taskRef } from "./actions";
import { publishedFlows, type FlowChoice } from "./flows-api";
import { useLoaded } from "./use-loaded";

export interface SendToFlowDialogProps {
  readonly task: DesktopTask;
  readonly session: DesktopSession;
  readonly onClose: () => void;
  /** SendToFlow succeeded (no plugin canceled it): the task is wrapping up. */
  readonly onSent: () => void;
}

export function SendToFlowDialog({ task, session, onClose, onSent }: SendToFlowDialogProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const [query, setQuery] = useState("");
  const search = useRef<HTMLInputElement>(null);

  const { value: flows, error } = useLoaded(() => publishedFlows(session.user.workspaceSid), session.user.workspaceSid);

  const needle = query.trim().toLocaleLowerCase();
  const shown = flows?.filter((flow) => needle === "" || flow.friendlyName.toLocaleLowerCase().includes(needle)) ?? [];

  const pick = (flow: FlowChoice): void => {
    onClose();
    // A plugin's cancel resolves undefined: the task stays as it was. A failure is an ActionFailed notification.
    desktop.Actions.invokeAction("SendToFlow", { task: taskRef(task), flowSid: flow.sid }).then(
      (result) => result !== undefined && onSent(),
      () => undefined,
    );
  };

  const onKeyDown = arrowKeysAmong("[data-flow]");

  return (
    <Dialog title={t("task.sendToFlow.title")} onClose={onClose} initialFocus={search} onKeyDown={onKeyDown} className="sb-dialog">
      <p className="sb-muted">{t("task.sendToFlow.hint")}</p>
      <input
        ref={search}
        type="search"
        aria-label={t("task.sendToFlow.search")}
        placeholder={t("task.sendToFlow.search")}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      {error && <p role="alert">{error}</p>}
      {!flows && !error && <p className="sb-muted">{t("app.loading")}</p>}
      {flows && shown.length === 0 && <p className="sb-muted">{t("task.sendToFlow.empty")}</p>}
      {shown.length > 0 && (
        <ul className="sb-dialog__targets" aria-label={t("task.sendToFlow.title")}>
          {shown.map((flow) => (
            <li key={flow.sid}>
              <button type="button" data-flow={flow.sid} onClick={() => pick(flow)}>
                <span>
                  <Icon name="flow" /> {flow.friendlyName}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="sb-dialog__actions">
        <button type="button" onClick={onClose}>
          {t("app.cancel")}
        </button>
      </div>
    </Dialog>
  );
}
