/**
 * Switchboard's IDs, as Twilio shapes them: a two-letter prefix naming the kind of thing (WS
 * workspace, WT task, WK worker, WR reservation, CH conversation, ME media …) and 32 lowercase hex
 * digits, never reused. Shared by the browser and the server.
 *
 * The main kinds are branded (as excalidraw brands its math types): a `TaskSid` is a string that was
 * checked to be one, so a workspace SID cannot be passed where a task SID is expected. `Sids.task`
 * (and its siblings) is the one parse and guard of each kind, a zod schema.
 */
import { z } from "zod";

/** A string that was checked to be the SID of one kind. */
export type Sid<Kind extends string> = string & { readonly __brand: Kind };

export type AccountSid = Sid<"AccountSid">;
export type WorkspaceSid = Sid<"WorkspaceSid">;
export type WorkerSid = Sid<"WorkerSid">;
export type TaskSid = Sid<"TaskSid">;
export type ReservationSid = Sid<"ReservationSid">;
export type ActivitySid = Sid<"ActivitySid">;
export type TaskQueueSid = Sid<"TaskQueueSid">;
export type WorkflowSid = Sid<"WorkflowSid">;
export type TaskChannelSid = Sid<"TaskChannelSid">;
export type ConversationSid = Sid<"ConversationSid">;
export type ParticipantSid = Sid<"ParticipantSid">;
export type MessageSid = Sid<"MessageSid">;
export type ChannelSid = Sid<"ChannelSid">;
export type UserSid = Sid<"UserSid">;
export type MediaSid = Sid<"MediaSid">;

const sidSchema = <S extends Sid<string>>(prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a ${prefix} SID (${prefix} followed by 32 hex digits)`)
    .transform((value) => value as S);

/**
 * The one parse and guard of each kind.
 * @example Sids.task.parse(form.TaskSid) // a TaskSid, or a ZodError naming the shape
 * @example Sids.worker.safeParse(value).success // a guard
 */
export const Sids = {
  account: sidSchema<AccountSid>("AC"),
  workspace: sidSchema<WorkspaceSid>("WS"),
  worker: sidSchema<WorkerSid>("WK"),
  task: sidSchema<TaskSid>("WT"),
  reservation: sidSchema<ReservationSid>("WR"),
  activity: sidSchema<ActivitySid>("WA"),
  taskQueue: sidSchema<TaskQueueSid>("WQ"),
  workflow: sidSchema<WorkflowSid>("WW"),
  taskChannel: sidSchema<TaskChannelSid>("TC"),
  conversation: sidSchema<ConversationSid>("CH"),
  participant: sidSchema<ParticipantSid>("MB"),
  message: sidSchema<MessageSid>("IM"),
  channel: sidSchema<ChannelSid>("XC"),
  user: sidSchema<UserSid>("US"),
  media: sidSchema<MediaSid>("ME"),
};

export { isSid, newSid } from "./sid-format";
