/**
 * The task canvas: everything the agent works with on one accepted task. A header (who the customer is,
 * the channel, the queue, how long since the server accepted the task, the `TaskCanvas.Header` slot, Transfer,
 * Send to a flow… (a messaging task: the customer goes back to self-service) and Wrap up), then the work: for a task with a conversation, the chat in the middle (its tab, with the
 * `TaskCanvas.Tabs` slot's beside it) and the customer on the right, in a pane the agent can resize; for
 * one without, the customer. A call (a voice or video task, or a chat the agent escalated with "Call" /
 * "Video") has its call panel above the chat (task-call.tsx). While wrapping up, the wrap-up panel (wrapup.tsx) takes the composer's place. Inactive canvases stay mounted but hidden, so each
 * task's draft, scroll position and socket survive switching between tasks.
 */
import { useId, useMemo, useState } from "react";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";
import type { TaskCanvasProps } from "../types";
import { taskRef } from "./actions";
import { ChatPanel } from "./chat-panel";
import { CustomerPanel } from "./customer-panel";
import { customerLabel, customerOf, isUnverified } from "./customer-data";
import { UnverifiedBadge } from "./unverified-badge";
import { ensureTaskStyles } from "./styles";
import { TransferDialog } from "./transfer-dialog";
import { SendToFlowDialog } from "./send-to-flow-dialog";
import { WrapupButton, WrapupPanel } from "./wrapup";
import { useConversation } from "./use-conversation";
import { EscalateButtons, TaskCall } from "./task-call";
import { isCallChannel, isLive } from "./call-view";
import { Splitter, Tabs, Timer, usePaneWidth } from "../ui";

/**
 * @example
 * {tasks.map((task) => <TaskCanvas key={task.reservationSid} task={task} session={session} settings={settings} active={task.taskSid === selected} />)}
 */
export function TaskCanvas({ task, session, settings, active }: TaskCanvasProps) {
  const desktop = useDesktop();
  const t = useStrings();
  ensureTaskStyles();
  const hasChat = task.conversationSid !== null;
  const [contextWidth, setContextWidth] = usePaneWidth("customer", 320, 260, 520);
  const [wrappedHere, setWrappedHere] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [sendingToFlow, setSendingToFlow] = useState(false);
  const baseId = useId();
  const acceptedAt = task.acceptedAt;

  const wrapping = task.state === "wrapping" || (wrappedHere && task.state === "accepted");
  const ref = useMemo(() => taskRef(task), [task]);
  const slotProps = useMemo(() => ({ task: ref }), [ref]);
  const customer = customerOf(task.attributes);
  const title = customerLabel(task, t("customer.webVisitor"));
  // The chat panel holds the same socket (shared per conversation): this only reads its call.
  const { state: conversation } = useConversation(task.conversationSid, session);
  const call = conversation.call;
  const working = task.state === "accepted" && !wrapping;

  return (
    <section className="sb-task" hidden={!active} aria-labelledby={`${baseId}-title`}>
      <header className="sb-task__header">
        <div className="sb-task__who">
          <h2 id={`${baseId}-title`}>
            {title}
            {isUnverified(task.attributes) && (
              <>
                {" "}
                <UnverifiedBadge />
              </>
            )}
          </h2>
          {customer.address && <p>{customer.address}</p>}
        </div>
        <ul className="sb-task__meta">
          <li>{t("task.channel", { channel: task.taskChannel })}</li>
          {task.queueName && <li>{t("reservation.queue", { queue: task.queueName })}</li>}
          {acceptedAt !== null && (
            <li>
              {t("taskList.inConversation")} <Timer since={acceptedAt} label={t("taskList.inConversation")} />
            </li>
          )}
        </ul>
        <Slot slots={desktop.Slots} name="TaskCanvas.Header" props={slotProps} />
        <div className="sb-task__actions">
          {hasChat && task.state === "accepted" && !wrapping && (
            <button type="button" aria-haspopup="dialog" onClick={() => setTransferring(true)}>
              {t("task.transfer")}
            </button>
          )}
          {hasChat && working && !isCallChannel(task.taskChannel) && (
            <button type="button" aria-haspopup="dialog" onClick={() => setSendingToFlow(true)}>
              {t("task.sendToFlow")}
            </button>
          )}
          {hasChat && working && !isCallChannel(task.taskChannel) && !isLive(call) && (
            <EscalateButtons conversationSid={task.conversationSid!} customerName={title} session={session} />
          )}
          {!wrapping && <WrapupButton task={task} onWrapping={() => setWrappedHere(true)} />}
        </div>
      </header>
      <div className="sb-task__body">
        <div className="sb-task__main">
          <TaskCall task={task} call={call} customerName={title} session={session} working={working} />
          {/* With a conversation, the customer has their own pane beside the chat; without one, they are the work. */}
          <Tabs
            label={t("task.views")}
            selected={hasChat ? "chat" : "customer"}
            onSelect={() => undefined}
            tabs={[
              hasChat
                ? {
                    key: "chat",
                    label: t("task.tab.chat"),
                    panel: (
                      <ChatPanel
                        taskSid={task.taskSid}
                        conversationSid={task.conversationSid!}
                        customerName={title}
                        customerUnverified={isUnverified(task.attributes)}
                        session={session}
                        settings={settings}
                        visible={active}
                        disabled={wrapping || task.state !== "accepted"}
                        composer={!wrapping}
                        slotProps={slotProps}
                      />
                    ),
                  }
                : {
                    key: "customer",
                    label: t("customer.title"),
                    panel: <CustomerPanel task={task} session={session} settings={settings} slotProps={slotProps} visible={active} />,
                  },
            ]}
            extra={<Slot slots={desktop.Slots} name="TaskCanvas.Tabs" props={slotProps} />}
          />
          {wrapping && <WrapupPanel task={task} session={session} dispositionCodes={settings.dispositionCodes} />}
        </div>
        {hasChat && (
          <>
            <Splitter label={t("customer.resize")} pane="end" width={contextWidth} min={260} max={520} onResize={setContextWidth} />
            <aside className="sb-task__context" aria-label={t("customer.title")} style={{ inlineSize: contextWidth }}>
              <CustomerPanel task={task} session={session} settings={settings} slotProps={slotProps} visible={active} />
            </aside>
          </>
        )}
      </div>
      {transferring && <TransferDialog task={task} session={session} onClose={() => setTransferring(false)} />}
      {sendingToFlow && (
        <SendToFlowDialog task={task} session={session} onClose={() => setSendingToFlow(false)} onSent={() => setWrappedHere(true)} />
      )}
    </section>
  );
}
