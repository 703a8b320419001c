// A customer changing a message after sending it (Meta's reactions and unsends), on the conversation's
// pure core: a reaction lands on the message it answers (not as a message of its own) and can be taken
// back; an unsend removes the message's content for the agent, says so in a frame, leaves its attachments
// to be deleted, and happens once however often Meta reports it. Both are announced to post-event
// webhooks as onMessageUpdated.
import { describe, expect, it } from "vitest";
import type { MediaRef } from "../../../contract/conversations";
import type { MessageChange } from "../../../channels/messages";
import { applyChange } from "../../../durable-objects/conversation/lifecycle/changes";
import { drainDeliveries } from "../../../durable-objects/conversation/lifecycle/delivery";
import { addMessage, getMessage, listMessages } from "../../../durable-objects/conversation/lifecycle/messages";
import { receive } from "../../../durable-objects/conversation/lifecycle/inbound";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { ACCOUNT, OTHER_ACCOUNT, SID, at, context, inbound, migratedHost } from "./conversation-fixtures";

const IGSID = "5830912837465123";
const PHOTO: MediaRef = { sid: "ME" + "7".repeat(32), content_type: "image/jpeg", filename: null, size: 2048 };

/** An Instagram conversation: the customer's photo (mid "aWdf-IN"), then the agent's two replies, delivered as "aWdf-OUT-1" and "-2". */
async function conversation(): Promise<StoreHost> {
  const host = migratedHost();
  const photo = inbound("aWdf-IN", "my receipt", {
    channel: "instagram",
    customerAddress: IGSID,
    media: [PHOTO],
    attributes: { reply_to: "x" },
  });
  receive(at(host, 1_000), ACCOUNT, context({ kind: "instagram" }), photo);
  addMessage(at(host, 2_000), ACCOUNT, { author: "WK-agent", body: "Thanks, checking" });
  addMessage(at(host, 3_000), ACCOUNT, { author: "WK-agent", body: "Refunded" });
  let n = 0;
  await drainDeliveries(
    host,
    SID,
    async () => ({ kind: "sent", providerMessageId: `aWdf-OUT-${++n}` }),
    () => 4_000,
    () => undefined,
  );
  return host;
}

const reaction = (providerMessageId: string | null, emoji: string | null): MessageChange => ({
  kind: "reaction",
  providerMessageId,
  customerAddress: IGSID,
  emoji,
  at: 5_000,
});
const unsent = (providerMessageId: string): MessageChange => ({ kind: "unsent", providerMessageId, customerAddress: IGSID, at: 5_000 });

const attributesOf = (host: StoreHost, index: number) => {
  const message = getMessage(at(host, 9_000), ACCOUNT, String(index));
  if (!message.ok) throw new Error(message.message);
  return JSON.parse(message.value.attributes) as Record<string, unknown>;
};

describe("a reaction", () => {
  it("goes on the agent's message it answers, with a message.updated frame, and adds no message", async () => {
    const host = await conversation();
    const op = at(host, 5_000);
    expect(applyChange(op, ACCOUNT, reaction("aWdf-OUT-1", "❤️"))).toEqual({
      ok: true,
      value: { messageSid: expect.stringMatching(/^IM/) },
    });
    expect(attributesOf(host, 1)).toEqual({ reactions: [{ by: "customer", emoji: "❤️" }] });
    expect(op.effects.frames).toEqual([{ type: "message.updated", message: expect.objectContaining({ index: 1 }) }]);
    const all = listMessages(at(host, 9_000), ACCOUNT, { pageSize: 50, page: 0 }, "asc");
    expect(all.ok && all.value.items.length).toBe(3);
  });

  it("replaces the customer's earlier reaction to the same message, and is gone when taken back", async () => {
    const host = await conversation();
    applyChange(at(host, 5_000), ACCOUNT, reaction("aWdf-OUT-2", "😮"));
    applyChange(at(host, 5_100), ACCOUNT, reaction("aWdf-OUT-2", "❤️"));
    expect(attributesOf(host, 2)).toEqual({ reactions: [{ by: "customer", emoji: "❤️" }] });
    applyChange(at(host, 5_200), ACCOUNT, reaction("aWdf-OUT-2", null));
    expect(attributesOf(host, 2)).toEqual({});
  });

  it("may answer the customer's own message, by its provider ID", async () => {
    const host = await conversation();
    applyChange(at(host, 5_000), ACCOUNT, reaction("aWdf-IN", "👍"));
    expect(attributesOf(host, 0)).toEqual({ reply_to: "x", reactions: [{ by: "customer", emoji: "👍" }] });
  });

  it("that names no message goes on the latest message the customer was sent", async () => {
    const host = await conversation();
    applyChange(at(host, 5_000), ACCOUNT, reaction(null, "❤️"));
    expect(attributesOf(host, 2)).toEqual({ reactions: [{ by: "customer", emoji: "❤️" }] });
    expect(attributesOf(host, 1)).toEqual({});
  });

  it("is announced as onMessageUpdated (post-event webhooks), and one that changes nothing is not", async () => {
    const host = await conversation();
    const op = at(host, 5_000);
    applyChange(op, ACCOUNT, reaction("aWdf-OUT-1", "❤️"));
    const updated = getMessage(at(host, 9_000), ACCOUNT, "1");
    expect(op.effects.hooks).toEqual([{ type: "onMessageUpdated", message: updated.ok ? updated.value : null }]);
    const same = at(host, 5_100);
    applyChange(same, ACCOUNT, reaction("aWdf-OUT-1", "❤️"));
    expect(same.effects.hooks).toEqual([]);
  });

  it("to a message this conversation does not have changes nothing", async () => {
    const host = await conversation();
    const op = at(host, 5_000);
    expect(applyChange(op, ACCOUNT, reaction("aWdf-ELSEWHERE", "❤️"))).toEqual({ ok: true, value: { messageSid: null } });
    expect(op.effects.frames).toEqual([]);
  });
});

describe("an unsend", () => {
  it("removes the message's text, attachments and attributes, says so on the sockets, and leaves the attachments to delete", async () => {
    const host = await conversation();
    const op = at(host, 5_000);
    const result = applyChange(op, ACCOUNT, unsent("aWdf-IN"));
    expect(result).toEqual({ ok: true, value: { messageSid: expect.stringMatching(/^IM/) } });
    const removed = getMessage(at(host, 9_000), ACCOUNT, "0");
    expect(removed.ok && removed.value).toMatchObject({
      index: 0,
      body: null,
      media: null,
      attributes: JSON.stringify({ removed: { by: "customer", date_removed: "1970-01-01T00:00:05Z" } }),
    });
    expect(op.effects.frames).toEqual([{ type: "message.removed", message: removed.ok ? removed.value : null }]);
    expect(op.effects.deleteMedia).toEqual([PHOTO.sid]);
    // Nothing of it is left in storage.
    expect(JSON.stringify(host.sql.exec("SELECT * FROM sb_messages WHERE idx = 0").toArray())).not.toContain("my receipt");
  });

  it("reported twice changes nothing the second time, and a redelivery of the original does not bring it back", async () => {
    const host = await conversation();
    applyChange(at(host, 5_000), ACCOUNT, unsent("aWdf-IN"));
    const again = at(host, 6_000);
    applyChange(again, ACCOUNT, unsent("aWdf-IN"));
    expect(again.effects.frames).toEqual([]);
    expect(again.effects.deleteMedia).toEqual([]);
    const redelivered = receive(at(host, 7_000), ACCOUNT, context(), inbound("aWdf-IN", "my receipt", { customerAddress: IGSID }));
    expect(redelivered).toMatchObject({ ok: true, value: { duplicate: true } });
    const removed = getMessage(at(host, 9_000), ACCOUNT, "0");
    expect(removed.ok && removed.value.body).toBeNull();
  });

  it("is announced as onMessageUpdated (the message stays, emptied), once however often it is reported", async () => {
    const host = await conversation();
    const op = at(host, 5_000);
    applyChange(op, ACCOUNT, unsent("aWdf-IN"));
    const removed = getMessage(at(host, 9_000), ACCOUNT, "0");
    expect(op.effects.hooks).toEqual([{ type: "onMessageUpdated", message: removed.ok ? removed.value : null }]);
    const again = at(host, 6_000);
    applyChange(again, ACCOUNT, unsent("aWdf-IN"));
    expect(again.effects.hooks).toEqual([]);
  });

  it("only ever removes the customer's own messages: an agent's message ID changes nothing", async () => {
    const host = await conversation();
    const op = at(host, 5_000);
    expect(applyChange(op, ACCOUNT, unsent("aWdf-OUT-1"))).toEqual({ ok: true, value: { messageSid: null } });
    const kept = getMessage(at(host, 9_000), ACCOUNT, "1");
    expect(kept.ok && kept.value.body).toBe("Thanks, checking");
  });

  it("from another account answers 404 and changes nothing", async () => {
    const host = await conversation();
    expect(applyChange(at(host, 5_000), OTHER_ACCOUNT, unsent("aWdf-IN"))).toMatchObject({ ok: false, status: 404 });
    const kept = getMessage(at(host, 9_000), ACCOUNT, "0");
    expect(kept.ok && kept.value.body).toBe("my receipt");
  });
});
