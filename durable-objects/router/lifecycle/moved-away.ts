/**
 * The answer for a task or worker that has left this Router for another region (handover.ts,
 * worker-move.ts): its SID still reaches this Router, whose `sb_moves` tombstone names where it went.
 * Apart so that every lifecycle module can answer it without an import cycle.
 */
import { fail, notFound, type ApiFailure, type ApiResult } from "../../common/rpc";
import type { StoreHost } from "../../kit/sql-host";
import { moves } from "../store/move-store";

/**
 * The refusal for an item that has moved to another region: the Worker layer (and the ConversationDO)
 * follow `movedTo` to the Router that holds it. Null when it never left.
 */
export function movedAway(op: { readonly host: StoreHost }, what: string, sid: string): ApiFailure | null {
  const move = moves.get(op.host, sid);
  if (move?.state !== "moved") return null;
  const verb = what === "Worker" ? "moved" : "was handed over";
  return { ...fail(409, 20409, `${what} ${sid} ${verb} to region ${move.region}`), movedTo: move.region };
}

/** A worker not here: moved (with `movedTo`), or not found. */
export const missingWorker = (op: { readonly host: StoreHost }, sid: string): ApiResult<never> =>
  movedAway(op, "Worker", sid) ?? notFound("Worker", sid);
