/**
 * The kinds of frame each socket carries, as plain lists without zod, so the browser can check a
 * frame's `type` at the edge (web/socket/reconnecting-socket.ts's `ofTypes`) without bundling the
 * schemas. The schemas (realtime-frames.ts, conversations.ts) check at compile time that each list
 * names exactly their union's kinds.
 */

/** The agents' live channel: what a client may send (besides the `ping` heartbeat). */
export const COMMAND_TYPES = ["accept", "reject", "wrapup", "complete", "set-activity", "update-attributes"] as const;

export const RESERVATION_FRAME_TYPES = [
  "reservation.created",
  "reservation.accepted",
  "reservation.rejected",
  "reservation.timeout",
  "reservation.canceled",
  "reservation.rescinded",
  "reservation.wrapup",
  "reservation.completed",
] as const;
export const WORKER_CHANNEL_FRAME_TYPES = ["worker.capacity.update", "worker.channel.availability.update"] as const;

/** What the server sends an agent's connection. */
export const AGENT_FRAME_TYPES = [
  "hello",
  ...RESERVATION_FRAME_TYPES,
  "task.updated",
  "worker.activity.update",
  "worker.attributes.update",
  ...WORKER_CHANNEL_FRAME_TYPES,
  "worker.deleted",
  "queues.waiting",
  "ack",
  "error",
] as const;

/** What the server sends a supervisor's connection (same endpoint, a supervisor token). */
export const SUPERVISOR_FRAME_TYPES = ["supervisor.snapshot", "supervisor.delta"] as const;

/** What the ConversationDO sends on a conversation socket (the widget's and the agents'). */
export const CONVERSATION_FRAME_TYPES = [
  "conversation.snapshot",
  "message.added",
  "message.updated",
  "message.removed",
  "participant.joined",
  "participant.left",
  "participant.updated",
  "typing",
  "conversation.updated",
  "call.updated",
  "ack",
  "error",
] as const;

/** True when A and B are the same set of kinds (for the schemas' compile-time checks). */
export type SameKinds<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
