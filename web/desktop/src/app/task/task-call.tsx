/**
 * What the task canvas shows of a call (issue 15): the call panel while the conversation has a call (a call
 * task, or a chat the agent escalated), with the target list for a consult or an added participant; and, in
 * a chat's header, "Call" / "Video" to escalate it (`POST …/call`: the same conversation and task; the call
 * panel appears when the server's `call.updated` arrives).
 */
import { useState } from "react";
import type { CallKind, CallRecord } from "../../../../../contract/calls";
import { useStrings } from "../desktop-context";
import { TransferDialog } from "./transfer-dialog";
import type { DesktopSession, DesktopTask } from "../types";
import { Icon } from "../ui";
import { addParticipant, consult, startCall } from "./call-api";
import { CallPanel } from "./call-panel";
import { isCallChannel, isLive } from "./call-view";

export interface TaskCallProps {
  readonly task: DesktopTask;
  readonly call: CallRecord | null;
  readonly customerName: string;
  readonly session: DesktopSession;
  /** The task is the agent's now (accepted, not wrapping). */
  readonly working: boolean;
}

/** The call panel of a task's conversation, when it has a call to show. */
export function TaskCall({ task, call, customerName, session, working }: TaskCallProps) {
  const t = useStrings();
  const [picking, setPicking] = useState<"consult" | "add" | null>(null);
  const [consultName, setConsultName] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const conversationSid = task.conversationSid;
  // A call task shows its call even once ended (until wrap-up is done); an escalated chat only while it is live.
  if (!conversationSid || !call || (!isLive(call) && !isCallChannel(task.taskChannel))) return null;

  const picked = (target: { targetType: "queue" | "worker"; targetSid: string; name: string }): void => {
    const purpose = picking;
    setPicking(null);
    if (purpose === "consult") setConsultName(target.name);
    const request = purpose === "consult" ? consult(session, conversationSid, target) : addParticipant(session, conversationSid, target);
    request.then(
      () => setFailure(null),
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  };

  return (
    <>
      <CallPanel
        conversationSid={conversationSid}
        call={call}
        customerName={customerName}
        session={session}
        working={working}
        onPickTarget={setPicking}
        consultName={consultName}
      />
      {failure && (
        <p className="sb-call__error" role="alert">
          {t("call.failed", { reason: failure })}
        </p>
      )}
      {picking && (
        <TransferDialog
          task={task}
          session={session}
          title={t(picking === "consult" ? "call.consult.to" : "call.add.to")}
          onClose={() => setPicking(null)}
          onPick={picked}
        />
      )}
    </>
  );
}

/** "Call" and "Video" in a chat task's header: the agent turns the chat into a call. */
export function EscalateButtons({
  conversationSid,
  customerName,
  session,
}: {
  conversationSid: string;
  customerName: string;
  session: DesktopSession;
}) {
  const t = useStrings();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const start = (kind: CallKind): void => {
    setBusy(true);
    startCall(session, conversationSid, kind)
      .then(
        () => setFailure(null),
        (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <>
      <button
        type="button"
        disabled={busy}
        aria-label={t("call.escalate.voiceLabel", { customer: customerName })}
        onClick={() => start("voice")}
      >
        <Icon name="call" /> {t("call.escalate.voice")}
      </button>
      <button
        type="button"
        disabled={busy}
        aria-label={t("call.escalate.videoLabel", { customer: customerName })}
        onClick={() => start("video")}
      >
        <Icon name="video" /> {t("call.escalate.video")}
      </button>
      {failure && (
        <span className="sb-call__error" role="alert">
          {t("call.failed", { reason: failure })}
        </span>
      )}
    </>
  );
}
