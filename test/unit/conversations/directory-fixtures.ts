/**
 * A Directory on `node:sqlite` with a clock the test moves, and SIDs that read well in failures.
 * Every step advances the clock by one second, so no test depends on the order of items created in
 * the same millisecond.
 */
import type { ConversationIndexEntry, ResolveInboundInput } from "../../../durable-objects/common/conversations";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { Directory } from "../../../durable-objects/directory/directory";
import { DIRECTORY_MIGRATIONS } from "../../../durable-objects/directory/schema";
import { sqliteHost } from "../kit/sqlite-host";

export const ACCOUNT = "AC" + "5".repeat(32);
export const OTHER_ACCOUNT = "AC" + "6".repeat(32);
export const WORKSPACE = "WS" + "1".repeat(32);
export const SMS = "XC" + "1".repeat(32);
export const WHATSAPP = "XC" + "2".repeat(32);
export const EMAIL = "XC" + "3".repeat(32);
export const WEBCHAT = "XC" + "4".repeat(32);
export const WORKER = "WK" + "a".repeat(32);
export const OTHER_WORKER = "WK" + "b".repeat(32);
export const T0 = Date.parse("2026-11-25T12:00:00Z");

/** CH000…001, CH000…002 …: SIDs in creation order. */
export const ch = (n: number): string => "CH" + n.toString(16).padStart(32, "0");

export function directory(): { dir: Directory; tick: (ms?: number) => number } {
  const host = sqliteHost();
  applyMigrations(host, DIRECTORY_MIGRATIONS);
  let now = T0;
  const dir = new Directory(host, WORKSPACE, () => now);
  return { dir, tick: (ms = 1000) => (now += ms) };
}

export function inbound(overrides: Partial<ResolveInboundInput> & { newConversationSid: string }): ResolveInboundInput {
  return {
    workspaceSid: WORKSPACE,
    channelSid: SMS,
    channel: "sms",
    customerAddress: "+15551234567",
    customerName: null,
    thread: null,
    ...overrides,
  };
}

export function entry(sid: string, overrides: Partial<ConversationIndexEntry> = {}): ConversationIndexEntry {
  return {
    sid,
    uniqueName: null,
    friendlyName: null,
    state: "active",
    channel: null,
    channelSid: null,
    customerAddress: null,
    profileSid: null,
    lastWorkerSid: null,
    dateCreated: T0,
    dateUpdated: T0,
    ...overrides,
  };
}

/** The value of an ok result; fails the test with the failure's message otherwise. */
export function value<T>(result: { ok: true; value: T } | { ok: false; status: number; message: string }): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.status}: ${result.message}`);
  return result.value;
}
