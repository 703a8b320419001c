/**
 * A chat service's Conversations users (Twilio's `US…`): an identity — what a chat participant and an
 * access token name — with a friendly name, attributes and a role. They live in the workspace's
 * DirectoryDO because the workspace is the chat service and the directory already answers for it; a
 * user is not an agent (agents are TaskRouter workers and sign-in people, kept elsewhere).
 *
 * Synchronous SQL over the narrow storage host; callers hold the transaction.
 */
import { redactDeep } from "../common/card-attributes";
import type { ConversationUserInput, ConversationUserRecord } from "../common/conversation-users";
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { isSid } from "../../contract/ids";
import { iso } from "../../contract/taskrouter";
import { first, run, type StoreHost } from "../kit/sql-host";
import { keysetPage } from "../kit/paging";
import type { Scope } from "./profiles";

interface UserRow {
  sid: string;
  identity: string;
  friendly_name: string | null;
  attributes: string;
  role_sid: string | null;
  date_created: number;
  date_updated: number;
}

const SELECT = "SELECT sid, identity, friendly_name, attributes, role_sid, date_created, date_updated FROM sb_users";
const MAX_TEXT = 256;
const MAX_ATTRIBUTES_BYTES = 16_384;

/** Twilio's code for an identity another user of the service has. */
export const USER_EXISTS = 50201;

const toRecord = (scope: Scope, row: UserRow): ConversationUserRecord => ({
  sid: row.sid,
  account_sid: scope.accountSid,
  chat_service_sid: "IS" + scope.workspaceSid.slice(2),
  role_sid: row.role_sid,
  identity: row.identity,
  friendly_name: row.friendly_name,
  attributes: row.attributes,
  is_online: null,
  is_notifiable: null,
  date_created: iso(row.date_created),
  date_updated: iso(row.date_updated),
});

/** A user by SID or identity (Twilio accepts either in the path). */
function findRow(host: StoreHost, sidOrIdentity: string): UserRow | undefined {
  return isSid("US", sidOrIdentity)
    ? first<UserRow>(host, `${SELECT} WHERE sid = ?`, sidOrIdentity)
    : first<UserRow>(host, `${SELECT} WHERE identity = ?`, sidOrIdentity);
}

/** The fields an input sets, checked (named as the REST API names them) and with card numbers masked. */
function checked(input: ConversationUserInput): ApiResult<Partial<Pick<UserRow, "friendly_name" | "attributes" | "role_sid">>> {
  const out: Partial<Pick<UserRow, "friendly_name" | "attributes" | "role_sid">> = {};
  if (input.friendlyName !== undefined) {
    if (input.friendlyName !== null && (typeof input.friendlyName !== "string" || input.friendlyName.length > MAX_TEXT))
      return invalid("FriendlyName", `must be text of at most ${MAX_TEXT} characters`);
    out.friendly_name = input.friendlyName || null;
  }
  if (input.attributes !== undefined) {
    if (typeof input.attributes !== "string" || new TextEncoder().encode(input.attributes).length > MAX_ATTRIBUTES_BYTES)
      return invalid("Attributes", `must be JSON text of at most ${MAX_ATTRIBUTES_BYTES} bytes`);
    let value: unknown;
    try {
      value = JSON.parse(input.attributes);
    } catch {
      return invalid("Attributes", "must be valid JSON");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return invalid("Attributes", "must be a JSON object");
    out.attributes = JSON.stringify(redactDeep(value));
  }
  if (input.roleSid !== undefined) {
    if (input.roleSid !== null && !isSid("RL", input.roleSid))
      return invalid("RoleSid", "must be a Role SID (RL followed by 32 hex digits)");
    out.role_sid = input.roleSid;
  }
  return ok(out);
}

export function createUser(
  host: StoreHost,
  scope: Scope,
  sid: string,
  input: ConversationUserInput,
  now: number,
): ApiResult<ConversationUserRecord> {
  const identity = input.identity;
  if (identity === undefined) return fail(400, 20001, "Missing required parameter Identity");
  if (typeof identity !== "string" || identity.trim() === "" || identity.length > MAX_TEXT)
    return invalid("Identity", `must be non-empty text of at most ${MAX_TEXT} characters`);
  const fields = checked(input);
  if (!fields.ok) return fields;
  if (findRow(host, identity)) return fail(409, USER_EXISTS, `User already exists: identity ${identity} is taken in this chat service`);
  const row: UserRow = {
    sid,
    identity,
    friendly_name: fields.value.friendly_name ?? null,
    attributes: fields.value.attributes ?? "{}",
    role_sid: fields.value.role_sid ?? null,
    date_created: now,
    date_updated: now,
  };
  save(host, row);
  return ok(toRecord(scope, row));
}

export function getUser(host: StoreHost, scope: Scope, sidOrIdentity: string): ApiResult<ConversationUserRecord> {
  const row = findRow(host, sidOrIdentity);
  return row ? ok(toRecord(scope, row)) : notFound("User", sidOrIdentity);
}

export function updateUser(
  host: StoreHost,
  scope: Scope,
  sidOrIdentity: string,
  input: ConversationUserInput,
  now: number,
): ApiResult<ConversationUserRecord> {
  const row = findRow(host, sidOrIdentity);
  if (!row) return notFound("User", sidOrIdentity);
  if (input.identity !== undefined && input.identity !== row.identity) return invalid("Identity", "a user's identity cannot be changed");
  const fields = checked(input);
  if (!fields.ok) return fields;
  const updated: UserRow = { ...row, ...fields.value, date_updated: now };
  save(host, updated);
  return ok(toRecord(scope, updated));
}

export function deleteUser(host: StoreHost, sidOrIdentity: string): ApiResult<void> {
  const row = findRow(host, sidOrIdentity);
  if (!row) return notFound("User", sidOrIdentity);
  run(host, "DELETE FROM sb_users WHERE sid = ?", row.sid);
  return ok(undefined);
}

/** The service's users, oldest first. */
export function listUsers(host: StoreHost, scope: Scope, request: PageRequest): ApiResult<Page<ConversationUserRecord>> {
  return keysetPage<UserRow, ConversationUserRecord>(
    host,
    { select: SELECT, where: [], bindings: [], column: "date_created", order: "asc" },
    request,
    (row) => toRecord(scope, row),
  );
}

function save(host: StoreHost, row: UserRow): void {
  run(
    host,
    `INSERT OR REPLACE INTO sb_users (sid, identity, friendly_name, attributes, role_sid, date_created, date_updated)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    row.sid,
    row.identity,
    row.friendly_name,
    row.attributes,
    row.role_sid,
    row.date_created,
    row.date_updated,
  );
}
