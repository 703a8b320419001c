/**
 * Who is in which conversation, as the DirectoryDO's index keeps it for ParticipantConversations and
 * UserConversations: a conversation's entry carries its participants (identity or binding address),
 * each new entry replaces the old list, and removing the conversation forgets them.
 */
import { describe, expect, it } from "vitest";
import type { ConversationIndexEntry } from "../../../durable-objects/common/conversations";
import { ACCOUNT, T0, ch, directory } from "./directory-fixtures";

const page = { pageSize: 50, page: 0 };
const mb = (n: number) => "MB" + n.toString(16).padStart(32, "0");
const entry = (sid: string, at: number, participants: ConversationIndexEntry["participants"]): ConversationIndexEntry => ({
  sid,
  uniqueName: null,
  friendlyName: null,
  state: "active",
  channel: null,
  channelSid: null,
  customerAddress: null,
  profileSid: null,
  lastWorkerSid: null,
  dateCreated: at,
  dateUpdated: at,
  participants,
});
const value = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe("memberships", () => {
  it("finds a participant's conversations by identity or by address, oldest first", () => {
    const { dir } = directory();
    value(dir.upsert(ACCOUNT, entry(ch(1), T0, [{ sid: mb(1), identity: "ada", address: null }])));
    value(
      dir.upsert(
        ACCOUNT,
        entry(ch(2), T0 + 1000, [
          { sid: mb(2), identity: "ada", address: null },
          { sid: mb(3), identity: null, address: "+15550001111" },
        ]),
      ),
    );
    value(dir.upsert(ACCOUNT, entry(ch(3), T0 + 2000, [{ sid: mb(4), identity: null, address: "+15550001111" }])));

    expect(value(dir.memberships(ACCOUNT, { identity: "ada" }, page)).items).toEqual([
      { conversationSid: ch(1), participantSid: mb(1) },
      { conversationSid: ch(2), participantSid: mb(2) },
    ]);
    expect(value(dir.memberships(ACCOUNT, { address: "+15550001111" }, page)).items.map((m) => m.conversationSid)).toEqual([ch(2), ch(3)]);
    expect(value(dir.memberships(ACCOUNT, { identity: "nobody" }, page)).items).toEqual([]);
  });

  it("a later entry replaces the participants; an entry without participants keeps them; removal forgets them", () => {
    const { dir } = directory();
    value(dir.upsert(ACCOUNT, entry(ch(1), T0, [{ sid: mb(1), identity: "ada", address: null }])));
    value(dir.upsert(ACCOUNT, entry(ch(1), T0, [{ sid: mb(2), identity: "bo", address: null }])));
    expect(value(dir.memberships(ACCOUNT, { identity: "ada" }, page)).items).toEqual([]);
    value(dir.upsert(ACCOUNT, entry(ch(1), T0, undefined)));
    expect(value(dir.memberships(ACCOUNT, { identity: "bo" }, page)).items).toEqual([{ conversationSid: ch(1), participantSid: mb(2) }]);
    value(dir.remove(ACCOUNT, ch(1)));
    expect(value(dir.memberships(ACCOUNT, { identity: "bo" }, page)).items).toEqual([]);
  });

  it("pages with tokens", () => {
    const { dir } = directory();
    for (let i = 1; i <= 3; i++) value(dir.upsert(ACCOUNT, entry(ch(i), T0 + i, [{ sid: mb(i), identity: "ada", address: null }])));
    const first = value(dir.memberships(ACCOUNT, { identity: "ada" }, { pageSize: 2, page: 0 }));
    expect(first.items.map((m) => m.conversationSid)).toEqual([ch(1), ch(2)]);
    const next = value(dir.memberships(ACCOUNT, { identity: "ada" }, { pageSize: 2, page: 1, pageToken: first.nextPageToken! }));
    expect(next.items.map((m) => m.conversationSid)).toEqual([ch(3)]);
  });
});
