/**
 * A chat service's Conversations users in its DirectoryDO (pure, on node:sqlite): identities unique,
 * fetched by SID or identity, attributes validated and card numbers masked, the account checked, and a
 * refused change changing nothing.
 */
import { describe, expect, it } from "vitest";
import { ACCOUNT, OTHER_ACCOUNT, WORKSPACE, directory } from "./directory-fixtures";

const page = { pageSize: 50, page: 0 };
const value = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe("users", () => {
  it("creates a user with Twilio's fields, fetches it by SID and by identity, updates and deletes it", () => {
    const { dir, tick } = directory();
    const ada = value(dir.createUser(ACCOUNT, { identity: "ada", friendlyName: "Ada L.", attributes: '{"team":"blue"}' }));
    expect(ada).toMatchObject({
      account_sid: ACCOUNT,
      chat_service_sid: "IS" + WORKSPACE.slice(2),
      identity: "ada",
      friendly_name: "Ada L.",
      attributes: '{"team":"blue"}',
      role_sid: null,
      is_online: null,
      is_notifiable: null,
      date_created: "2026-11-25T12:00:00Z",
    });
    expect(ada.sid).toMatch(/^US[0-9a-f]{32}$/);
    expect(value(dir.getUser(ACCOUNT, ada.sid))).toEqual(ada);
    expect(value(dir.getUser(ACCOUNT, "ada"))).toEqual(ada);

    tick();
    const renamed = value(dir.updateUser(ACCOUNT, "ada", { friendlyName: "Ada Lovelace", roleSid: "RL" + "1".repeat(32) }));
    expect(renamed).toMatchObject({ friendly_name: "Ada Lovelace", attributes: '{"team":"blue"}', role_sid: "RL" + "1".repeat(32) });
    expect(renamed.date_updated).toBe("2026-11-25T12:00:01Z");

    expect(dir.deleteUser(ACCOUNT, ada.sid).ok).toBe(true);
    expect(dir.getUser(ACCOUNT, ada.sid)).toMatchObject({ ok: false, status: 404 });
    expect(dir.deleteUser(ACCOUNT, ada.sid)).toMatchObject({ ok: false, status: 404 });
  });

  it("keeps identities unique (409, 50201) and lists users oldest first across pages", () => {
    const { dir, tick } = directory();
    const made = ["a", "b", "c"].map((identity) => {
      tick();
      return value(dir.createUser(ACCOUNT, { identity })).sid;
    });
    expect(dir.createUser(ACCOUNT, { identity: "b" })).toMatchObject({ ok: false, status: 409, code: 50201 });
    const first = value(dir.listUsers(ACCOUNT, { pageSize: 2, page: 0 }));
    expect(first.items.map((u) => u.sid)).toEqual(made.slice(0, 2));
    const second = value(dir.listUsers(ACCOUNT, { pageSize: 2, page: 1, pageToken: first.nextPageToken! }));
    expect(second.items.map((u) => u.sid)).toEqual(made.slice(2));
    expect(value(dir.listUsers(ACCOUNT, page)).items).toHaveLength(3);
  });

  it("masks a card number in the attributes", () => {
    const { dir } = directory();
    const user = value(dir.createUser(ACCOUNT, { identity: "ann", attributes: '{"note":"card 4111 1111 1111 1111"}' }));
    expect(user.attributes).not.toContain("4111 1111 1111 1111");
    expect(user.attributes).toContain("1111");
  });

  it.each([
    [{}, /Identity/],
    [{ identity: "" }, /Identity/],
    [{ identity: "x".repeat(257) }, /Identity/],
    [{ identity: "ok", attributes: "[1]" }, /Attributes/],
    [{ identity: "ok", attributes: "{nope" }, /Attributes/],
    [{ identity: "ok", roleSid: "RLnope" }, /RoleSid/],
    [{ identity: "ok", friendlyName: "x".repeat(257) }, /FriendlyName/],
  ])("refuses %j with a 400 naming the field, and stores nothing", (input, field) => {
    const { dir } = directory();
    const result = dir.createUser(ACCOUNT, input);
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toMatch(field);
    expect(value(dir.listUsers(ACCOUNT, page)).items).toEqual([]);
  });

  it("answers 404 to another account, and an update cannot change the identity", () => {
    const { dir } = directory();
    const user = value(dir.createUser(ACCOUNT, { identity: "bo" }));
    expect(dir.getUser(OTHER_ACCOUNT, user.sid)).toMatchObject({ ok: false, status: 404 });
    expect(dir.updateUser(ACCOUNT, user.sid, { identity: "bob" })).toMatchObject({ ok: false, status: 400 });
    expect(value(dir.getUser(ACCOUNT, user.sid)).identity).toBe("bo");
  });
});
