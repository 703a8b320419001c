/**
 * Types shared by the desktop's screens (app shell, task canvas, supervisor views): the task as the
 * desktop shows it, the signed-in session, the workspace's desktop settings and the canvas props.
 */
export type ReservationState = "pending" | "accepted" | "wrapping" | "completed" | "rejected" | "timeout" | "canceled" | "rescinded";
export interface DesktopTask {
  readonly reservationSid: string;
  readonly taskSid: string;
  readonly state: ReservationState;
  readonly attributes: Readonly<Record<string, unknown>>; // the task's attributes, parsed
  readonly taskChannel: string; // TaskChannel unique name ("chat", "sms", "email", "voice" …)
  readonly queueSid: string | null;
  readonly queueName: string | null;
  readonly conversationSid: string | null; // attributes.conversationSid
  readonly createdAt: number; // ms
  readonly timeoutAt: number | null; // ms: when the pending reservation times out (countdown)
  readonly acceptedAt: number | null; // ms: when the server accepted it ("Accepted 2:05 ago"); null while pending
  readonly wrapupEndsAt: number | null; // ms: when wrap-up ends by itself (the queue's WrapUpTimeoutSeconds); null: it does not
  readonly wrappingSince: number | null; // ms: when this desk saw the task enter wrap-up (the wrap-up timer); null unless wrapping
}
export interface DesktopSession {
  readonly user: {
    readonly sid: string;
    readonly email: string;
    readonly name: string;
    readonly role: "agent" | "supervisor" | "admin";
    readonly workspaceSid: string;
    readonly workerSid: string | null;
  };
  /**
   * A realtime token, cached until a minute before it expires; `fresh` asks the server again (after a
   * socket was closed with 4401: the token it had is no longer good).
   */
  token(fresh?: boolean): Promise<string>;
}
export interface DesktopSettings {
  readonly crmUrlTemplate: string | null; // e.g. "https://crm.example/customers?phone={{task.from}}"
  readonly dispositionCodes: readonly string[]; // wrap-up codes; the agent picks one, sent as the completion reason
  readonly cannedResponses: readonly { readonly title: string; readonly body: string }[];
}
export interface TaskCanvasProps {
  readonly task: DesktopTask;
  readonly session: DesktopSession;
  readonly settings: DesktopSettings;
  /** Whether this task is the one shown: inactive canvases stay mounted (draft and scroll kept) but hidden. */
  readonly active: boolean;
}
