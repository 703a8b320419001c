/**
 * The subset of the agents' live-channel frames (contract/realtime-frames.ts) the
 * desktop reads, typed for the browser without importing server code. Optional fields are read when a
 * server sends them (a `hello` carrying the worker, its open reservations, the workspace's activities,
 * the server's clock and a presence notice) and derived otherwise.
 */

export interface FrameTask {
  sid: string;
  attributes: string;
  assignment_status: string;
  age: number;
  task_channel_sid: string;
  task_channel_unique_name: string | null;
  task_queue_sid: string | null;
  task_queue_friendly_name: string | null;
  reason: string | null;
}

export interface FrameReservation {
  sid: string;
  status: string;
  task_sid: string;
  worker_sid: string;
  /** When a pending reservation times out (epoch ms or ISO 8601), when the server says. */
  timeout_at?: number | string | null;
}

export interface ActivityInfo {
  sid: string;
  friendly_name: string;
  available: boolean;
}

export interface FrameWorker {
  sid: string;
  friendly_name: string;
  activity_sid: string | null;
  activity_name: string | null;
  available?: boolean;
}

export interface HelloFrame {
  type: "hello";
  worker_sid: string;
  last_seq: number;
  replay: { since: number | null; count: number; complete: boolean };
  heartbeat: { send: "ping"; reply: "pong"; interval_ms: number };
  presence_grace_ms: number;
  expires_at: string;
  /** The server's clock when it sent hello: the skew every server time is corrected by. */
  date_ms?: number;
  /** Presence took the worker offline (their connection gone past the grace period): tell them. */
  presence_offline?: { date_ms: number; activity_sid: string; activity_name: string | null } | null;
  worker?: FrameWorker;
  reservations?: { reservation: FrameReservation; task: FrameTask; date_ms?: number; accepted_ms?: number | null }[];
  activities?: ActivityInfo[];
}

export interface ReservationFrame {
  type: `reservation.${string}`;
  seq: number;
  date_ms: number;
  reservation: FrameReservation;
  task: FrameTask;
}

export interface TaskUpdatedFrame {
  type: "task.updated";
  seq: number;
  date_ms: number;
  task: FrameTask;
}

export interface WorkerFrame {
  type: `worker.${string}`;
  seq: number;
  date_ms: number;
  worker: FrameWorker;
  activities?: ActivityInfo[];
}

export interface AckFrame {
  type: "ack";
  id: string | number;
  reservation?: { sid: string; reservation_status?: string; task_sid?: string };
  task?: { sid: string; assignment_status?: string };
  worker?: { sid: string; activity_sid?: string; activity_name?: string; available?: boolean };
}

export interface ErrorFrame {
  type: "error";
  id: string | number | null;
  status: number;
  code: number;
  message: string;
}

export type ServerFrame = HelloFrame | ReservationFrame | TaskUpdatedFrame | WorkerFrame | AckFrame | ErrorFrame;

export type Command =
  | { type: "accept"; reservation_sid: string }
  | { type: "reject"; reservation_sid: string; activity_sid?: string }
  | { type: "wrapup"; reservation_sid?: string; task_sid?: string }
  | { type: "complete"; reservation_sid?: string; task_sid?: string; reason?: string }
  | { type: "set-activity"; activity_sid: string; reject_pending_reservations?: boolean };
