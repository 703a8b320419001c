/**
 * A supervisor on a live call (issue 15), above the call's transcript in the Live tab: the call's state and
 * timer (the conversation socket's call record), and Listen / Whisper / Barge in — each joins the call's
 * room with its own token (`POST …/media-token` with `Mode`, which the server records as a `supervisor.*`
 * event): Listen is a hidden participant that only subscribes; Whisper publishes the microphone with track
 * permissions that let only the agent subscribe; Barge in publishes to everyone. Picking another mode joins
 * again in it; Leave the call leaves. The line under the buttons says who hears the supervisor now.
 */
import { useEffect, useId, useState } from "react";
import type { CallRecord } from "../../../../../contract/calls";
import { mediaToken } from "../task/call-api";
import { agentOf, callPanelView, isLive, supervisorJoin, type SupervisorMode } from "../task/call-view";
import { ensureCallStyles } from "../task/call-styles";
import { useCallMedia } from "../task/use-call-media";
import { useStrings } from "../desktop-context";
import type { DesktopSession } from "../types";
import { Badge, Button, Icon, Timer } from "../ui";
import type { LiveChat } from "./live";

export interface LiveCallProps {
  readonly chat: LiveChat;
  readonly call: CallRecord | null;
  readonly session: DesktopSession;
}

const MODES = [
  ["monitor", "listen", "supervisor.call.listen"],
  ["whisper", "whisper", "supervisor.call.whisper"],
  ["barge", "barge", "supervisor.call.barge"],
] as const;

/** @example <LiveCall chat={chat} call={state.call} session={session} /> */
export function LiveCall({ chat, call, session }: LiveCallProps) {
  const t = useStrings();
  const groupId = useId();
  const [mode, setMode] = useState<SupervisorMode>("off");
  useEffect(() => ensureCallStyles(), []);
  const live = isLive(call);
  const plan = mode === "off" ? null : supervisorJoin(mode, agentOf(call, chat.workerSid));

  const { state } = useCallMedia({
    join: plan !== null && live,
    attempt: mode,
    token: () => mediaToken(session, chat.conversationSid, plan?.mode),
    options: { microphone: plan?.speaks ?? false, camera: false, onlyHeardBy: plan?.speaks ? plan.onlyHeardBy : null },
  });
  // The call ended under the supervisor: they are no longer in it.
  useEffect(() => {
    if (!live) setMode("off");
  }, [live]);

  const view = callPanelView(call, "connected");
  const line =
    mode === "off"
      ? t("supervisor.call.off")
      : state.status === "failed"
        ? t("call.state.failed", { reason: state.error ?? "" })
        : state.status !== "connected"
          ? t("supervisor.call.joining")
          : mode === "monitor"
            ? t("supervisor.call.monitor")
            : t(mode === "whisper" ? "supervisor.call.whispering" : "supervisor.call.barged", { agent: chat.agent });

  return (
    <section className="sb-sv-call" aria-labelledby={groupId} data-mode={mode}>
      <div className="sb-sv-call__head">
        <h3 id={groupId}>
          <Icon name={chat.taskChannel === "video" ? "video" : "call"} /> {t("supervisor.call.controls")}
        </h3>
        <Badge tone={view.tone}>{t("supervisor.call.state", { state: t(view.line, { reason: "" }) })}</Badge>
        {view.connectedAt !== null && live && <Timer since={view.connectedAt} label={t("call.duration")} />}
      </div>
      <div className="sb-sv-call__modes" role="group" aria-labelledby={groupId}>
        {MODES.map(([value, icon, label]) => (
          <Button key={value} aria-pressed={mode === value} disabled={!live} onClick={() => setMode(value)}>
            <Icon name={icon} /> {t(label)}
          </Button>
        ))}
        {mode !== "off" && <Button onClick={() => setMode("off")}>{t("supervisor.call.leave")}</Button>}
      </div>
      <p className="sb-sv-hint" role="status" aria-live="polite">
        {line}
      </p>
    </section>
  );
}
