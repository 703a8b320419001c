/**
 * Task lifecycle events for plugins (`api.Tasks.on("accepted", …)`): the desktop's live connection
 * emits them as reservations and tasks change; plugins only listen. A throwing handler is reported
 * and does not stop the others or the desktop.
 */
import type { TaskRef } from "./actions";

export const taskEvents = ["reservationCreated", "accepted", "rejected", "wrapup", "completed", "canceled", "transferred"] as const;
export type TaskEvent = (typeof taskEvents)[number];
export interface TaskEventPayload {
  readonly task: TaskRef;
  readonly reservationSid?: string;
}
export type TaskEventHandler = (payload: TaskEventPayload) => void;

export interface TaskEvents {
  on(event: TaskEvent, handler: TaskEventHandler): () => void;
  off(event: TaskEvent, handler: TaskEventHandler): void;
  /** For the desktop's connection only; plugins receive `{ on, off }`. */
  emit(event: TaskEvent, payload: TaskEventPayload): void;
}

/**
 * @example
 * const tasks = createTaskEvents();
 * tasks.on("accepted", ({ task }) => console.log("accepted", task.sid));
 * tasks.emit("accepted", { task });
 */
export function createTaskEvents(
  onError: (event: TaskEvent, error: unknown) => void = (event, error) => console.error(`Tasks "${event}" handler threw`, error),
): TaskEvents {
  const handlers = new Map<TaskEvent, Set<TaskEventHandler>>(taskEvents.map((e) => [e, new Set()]));
  const setFor = (event: TaskEvent): Set<TaskEventHandler> => {
    const set = handlers.get(event);
    if (!set) throw new RangeError(`Unknown task event "${event}"; known: ${taskEvents.join(", ")}`);
    return set;
  };
  return {
    on(event, handler) {
      setFor(event).add(handler);
      return () => setFor(event).delete(handler);
    },
    off(event, handler) {
      setFor(event).delete(handler);
    },
    emit(event, payload) {
      for (const handler of [...setFor(event)]) {
        try {
          handler(payload);
        } catch (error) {
          onError(event, error);
        }
      }
    },
  };
}
