/**
 * The agents' frame log: every frame pushed to a worker's live connections, numbered per worker, so a
 * client that reconnects with the last sequence number it saw is sent everything it missed. Frames
 * are kept only for workers who have connected at least once (`sb_frame_heads` holds their last
 * sequence number, which outlives the frames), so workers driven only through the REST API cost
 * nothing on the routing path. How long frames stay is decided by the caller (realtime/frame-log.ts).
 */
import type { Migration } from "../../kit/migrations";
import { first, rows, run, type StoreHost } from "../../kit/sql-host";

/**
 * Migration 3's DDL: the frame log, presence of connected workers and the live channel's settings.
 * Written out literally: a shipped migration never changes.
 */
export const REALTIME_SCHEMA: Omit<Migration, "version"> = {
  name: "realtime: agents' frame log (sb_frames, sb_frame_heads), presence (sb_presence), settings (sb_realtime_settings)",
  sql: `
CREATE TABLE sb_frame_heads (
  worker_sid TEXT    PRIMARY KEY,
  last_seq   INTEGER NOT NULL
);
CREATE TABLE sb_frames (
  worker_sid TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  body       TEXT    NOT NULL,
  PRIMARY KEY (worker_sid, seq)
);
CREATE INDEX sb_frames_by_time ON sb_frames (at);
CREATE TABLE sb_presence (
  worker_sid  TEXT    PRIMARY KEY,
  account_sid TEXT    NOT NULL,
  gone_since  INTEGER
);
CREATE TABLE sb_realtime_settings (
  id                INTEGER PRIMARY KEY CHECK (id = 1),
  presence_grace_ms INTEGER NOT NULL
);
`,
};

export interface StoredFrame {
  readonly seq: number;
  readonly body: string;
}

/** Every worker whose frames are kept, with their last sequence number. */
export function frameHeads(host: StoreHost): Map<string, number> {
  const found = rows<{ worker_sid: string; last_seq: number }>(host, "SELECT worker_sid, last_seq FROM sb_frame_heads");
  return new Map(found.map((row) => [row.worker_sid, Number(row.last_seq)]));
}

/** Starts keeping a worker's frames (from sequence number 1); a worker already kept is left alone. */
export function startFrames(host: StoreHost, workerSid: string): number {
  run(host, "INSERT OR IGNORE INTO sb_frame_heads (worker_sid, last_seq) VALUES (?, 0)", workerSid);
  return Number(first<{ last_seq: number }>(host, "SELECT last_seq FROM sb_frame_heads WHERE worker_sid = ?", workerSid)?.last_seq ?? 0);
}

/** Stores a frame under the next sequence number, which the caller computed from the head. */
export function insertFrame(host: StoreHost, workerSid: string, seq: number, at: number, body: string): void {
  run(host, "INSERT INTO sb_frames (worker_sid, seq, at, body) VALUES (?, ?, ?, ?)", workerSid, seq, at, body);
  run(host, "UPDATE sb_frame_heads SET last_seq = ? WHERE worker_sid = ?", seq, workerSid);
}

/** A worker's frames after `seq`, in order. */
export function framesAfter(host: StoreHost, workerSid: string, seq: number): StoredFrame[] {
  return rows<StoredFrame>(host, "SELECT seq, body FROM sb_frames WHERE worker_sid = ? AND seq > ? ORDER BY seq", workerSid, seq);
}

/** Drops a worker's frames numbered `upTo` or below. */
export function dropFramesUpTo(host: StoreHost, workerSid: string, upTo: number): void {
  run(host, "DELETE FROM sb_frames WHERE worker_sid = ? AND seq <= ?", workerSid, upTo);
}

/** Drops every frame stored before `before` (epoch ms). */
export function dropFramesBefore(host: StoreHost, before: number): void {
  run(host, "DELETE FROM sb_frames WHERE at < ?", before);
}

/** Forgets a worker's frames and head (the worker was deleted). */
export function forgetFrames(host: StoreHost, workerSid: string): void {
  run(host, "DELETE FROM sb_frames WHERE worker_sid = ?", workerSid);
  run(host, "DELETE FROM sb_frame_heads WHERE worker_sid = ?", workerSid);
}
