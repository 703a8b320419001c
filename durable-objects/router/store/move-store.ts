/**
 * Where a task handed over (or a worker moved) between regions stands, per SID (router/lifecycle/handover.ts). One row per
 * task that ever left or arrived here; `hop` counts its handovers, so a repeated or older handover is
 * recognised and changes nothing. The row of a task that left is its tombstone: the SID, which names
 * this region, still reaches this Router, which answers "moved to `region`".
 */
import type { StoreHost } from "../../kit/sql-host";
import { table } from "./table";

export type MoveState =
  /** Handed over to `region`; the other Router has not answered yet. The task is still here, unrouted. */
  | "sending"
  /** The other Router took it: the task is gone from here (the tombstone). */
  | "moved"
  /** It ended here before the other Router answered, or (on the receiving side) was withdrawn. */
  | "withdrawn"
  /** It arrived here from another region at `hop`, and is held here. */
  | "held";

export type MoveRow = {
  sid: string;
  /** Where it went (sending, moved, withdrawn), or this region (held). */
  region: string;
  hop: number;
  state: MoveState;
  updated_at: number;
};

export const moves = table<MoveRow>("sb_moves", ["sid", "region", "hop", "state", "updated_at"], "sid");

/** The SIDs of the workers being moved away from here (sent, not yet answered): offered nothing meanwhile. */
export function movingWorkers(host: StoreHost): Set<string> {
  return new Set(moves.where(host, "state = 'sending' AND sid LIKE 'WK%'").map((move) => move.sid));
}

export const MOVES_SCHEMA = {
  name: "router: tasks handed over between regions, and their tombstones",
  sql: `
    CREATE TABLE sb_moves (
      sid        TEXT    PRIMARY KEY,
      region     TEXT    NOT NULL,
      hop        INTEGER NOT NULL,
      state      TEXT    NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX sb_moves_by_state ON sb_moves (state);
  `,
};
