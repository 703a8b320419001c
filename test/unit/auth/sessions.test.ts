/**
 * Sign-in sessions and the notices that close a user's sockets, over the AccountDO's storage with an
 * injected clock: a session lives 12 hours unless ended, ending one leaves the others, a new password
 * keeps only the caller's; where a user's sockets are open is remembered for a day; a notice reaches
 * every place with the user's access now, is retried when a place cannot be reached, and one queued
 * during a delivery is not lost.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { endSession, endSessions, isLive, liveSessions, startSession, userAccess } from "../../../durable-objects/account/sessions";
import {
  deliverNotices,
  dueNotices,
  MAX_NOTICE_ATTEMPTS,
  nextNoticeAt,
  notePlace,
  PLACE_RETENTION_MS,
  placesOf,
  queueNotice,
  type TellPlace,
} from "../../../durable-objects/account/user-sockets";
import { createUser, deleteUser } from "../../../durable-objects/account/users";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import type { UserAccess } from "../../../durable-objects/common/user-access";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { ACCOUNT_MIGRATIONS } from "../../../durable-objects/account/schema";
import { sqliteHost } from "../kit/sqlite-host";
import { accountHost } from "./account-host";

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
const HOUR = 3600_000;
const TTL = 12 * HOUR;
const WS = "WS" + "1".repeat(32);
const WK = "WK" + "2".repeat(32);
const CH = "CH" + "3".repeat(32);

let host: StoreHost;
let ada: string;
beforeEach(() => {
  host = accountHost();
  const made = createUser(host, { email: "ada@example.com", role: "agent", workspaceSid: WS, workerSid: WK }, null, T0);
  if (!made.ok) throw new Error(made.message);
  ada = made.value.sid;
});

describe("sessions", () => {
  it("live 12 hours unless ended, and belong to their user only", () => {
    const session = startSession(host, ada, T0, TTL);
    expect(session).toMatch(/^SE[0-9a-f]{32}$/);
    expect(isLive(host, ada, session, T0 + TTL - 1)).toBe(true);
    expect(isLive(host, ada, session, T0 + TTL)).toBe(false);
    expect(isLive(host, "US" + "9".repeat(32), session, T0)).toBe(false);
  });

  it("end one at a time (sign out) or all but the caller's (a new password) or all (sign out everywhere)", () => {
    const [laptop, phone, kiosk] = [
      startSession(host, ada, T0, TTL),
      startSession(host, ada, T0 + 1, TTL),
      startSession(host, ada, T0 + 2, TTL),
    ];
    expect(endSession(host, ada, phone)).toBe(true);
    expect(endSession(host, ada, phone)).toBe(false);
    expect(liveSessions(host, ada, T0 + 3)).toEqual([laptop, kiosk]);
    expect(endSessions(host, ada, laptop)).toBe(1);
    expect(liveSessions(host, ada, T0 + 3)).toEqual([laptop]);
    expect(endSessions(host, ada)).toBe(1);
    expect(liveSessions(host, ada, T0 + 3)).toEqual([]);
  });

  it("describe the user's access with their live sessions, and null once deleted", () => {
    const session = startSession(host, ada, T0, TTL);
    expect(userAccess(host, ada, T0)).toEqual({ role: "agent", workspaceSid: WS, workerSid: WK, disabled: false, sessions: [session] });
    deleteUser(host, ada);
    expect(userAccess(host, ada, T0)).toBeNull();
  });
});

describe("places and notices", () => {
  const told: { place: string; user: string; access: UserAccess | null }[] = [];
  const tell: TellPlace = async (place, user, access) => {
    told.push({ place, user, access });
  };
  beforeEach(() => {
    told.length = 0;
  });

  it("remembers where a user's sockets opened for a day after the last one", () => {
    notePlace(host, ada, WS, T0);
    notePlace(host, ada, CH, T0 + HOUR);
    expect(placesOf(host, ada, T0 + PLACE_RETENTION_MS - 1)).toEqual([CH, WS]);
    expect(placesOf(host, ada, T0 + PLACE_RETENTION_MS)).toEqual([CH]);
    notePlace(host, ada, WS, T0 + 2 * HOUR);
    expect(placesOf(host, ada, T0 + PLACE_RETENTION_MS + HOUR)).toEqual([WS]);
  });

  it("tells every place the user's access now, once", async () => {
    notePlace(host, ada, WS, T0);
    notePlace(host, ada, CH, T0);
    host.transactionSync(() => {
      host.sql.exec("UPDATE users SET disabled = 1 WHERE sid = ?", ada).toArray();
      queueNotice(host, ada, T0 + 1);
    });
    await deliverNotices(host, tell, () => T0 + 2);
    expect(told.map((t) => [t.place, t.access?.disabled])).toEqual([
      [CH, true],
      [WS, true],
    ]);
    expect(nextNoticeAt(host)).toBeNull();
    await deliverNotices(host, tell, () => T0 + 3);
    expect(told).toHaveLength(2);
  });

  it("retries a notice a place missed after 2 s, then 4 s, and gives up after the last attempt", async () => {
    notePlace(host, ada, WS, T0);
    queueNotice(host, ada, T0);
    const down: TellPlace = async () => {
      throw new Error("unreachable");
    };
    await deliverNotices(host, down, () => T0);
    // 1st failure: due again 2 s later; 2nd: 4 s after that.
    expect(nextNoticeAt(host)).toBe(T0 + 2000);
    await deliverNotices(host, down, () => T0 + 1000);
    expect(nextNoticeAt(host)).toBe(T0 + 2000);
    await deliverNotices(host, down, () => T0 + 2000);
    expect(nextNoticeAt(host)).toBe(T0 + 6000);
    for (let i = 2; i < MAX_NOTICE_ATTEMPTS; i++) await deliverNotices(host, down, () => nextNoticeAt(host)!);
    expect(nextNoticeAt(host)).toBeNull();
  });

  it("keeps a notice queued while an older one was being delivered", async () => {
    notePlace(host, ada, WS, T0);
    queueNotice(host, ada, T0);
    // While the Router is being told, the user is changed again.
    const slow: TellPlace = async (place, user, access) => {
      if (told.length === 0) queueNotice(host, ada, T0 + 1);
      await tell(place, user, access);
    };
    await deliverNotices(host, slow, () => T0 + 1);
    expect(nextNoticeAt(host)).toBe(T0 + 1);
    await deliverNotices(host, slow, () => T0 + 2);
    expect(told).toHaveLength(2);
    expect(nextNoticeAt(host)).toBeNull();
  });

  it("keeps the due time of a notice that waited through the upgrade that moved due times into sb_timers", async () => {
    // Migrations 1–5 only: a notice due at T0 + 5 s, retried twice already, as an object from before had it.
    const old = sqliteHost();
    applyMigrations(
      old,
      ACCOUNT_MIGRATIONS.filter((m) => m.version <= 5),
    );
    old.sql.exec("INSERT INTO sb_user_notices (user_sid, version, due_at, attempts) VALUES (?, 3, ?, 2)", ada, T0 + 5000);
    applyMigrations(old, ACCOUNT_MIGRATIONS);
    expect(nextNoticeAt(old)).toBe(T0 + 5000);
    expect(dueNotices(old, T0 + 4999)).toEqual([]);
    expect(dueNotices(old, T0 + 5000)).toEqual([{ userSid: ada, version: 3, attempts: 2 }]);
  });
});
