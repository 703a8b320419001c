/**
 * Customer profiles: one person's name, contact details, attributes and every address they wrote
 * from, so agents see one history across channels and routing can prefer the agent who helped them
 * last. A profile claims the key (addresses.ts) of each of its addresses, its email and its phone; a
 * key claimed by another profile is a conflict (409 naming that profile), never a silent move.
 *
 * Synchronous SQL over the narrow storage host; callers hold the transaction.
 */
import type { ConversationChannel } from "../../contract/conversations";
import type { ProfileRecord } from "../common/conversations";
import { fail, invalid, notFound, ok, type ApiFailure, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { iso } from "../../contract/taskrouter";
import { first, rows, run, type StoreHost } from "../kit/sql-host";
import { emailKey, isConversationChannel, normalizeEmail, normalizePhone, phoneKey, profileKey } from "./addresses";
import { keysetPage } from "../kit/paging";

export interface ProfileAddress {
  readonly channel: ConversationChannel;
  readonly address: string;
}

export interface ProfileInput {
  readonly friendlyName?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  /** JSON object text. */
  readonly attributes?: string;
  /** Addresses to link to the profile (on update: in addition to those it has). */
  readonly addresses?: readonly ProfileAddress[];
}

export type ProfileQuery = ProfileAddress | { readonly email: string } | { readonly phone: string };

/** Whom records are returned for: the object's account and workspace. */
export interface Scope {
  readonly accountSid: string;
  readonly workspaceSid: string;
}

interface ProfileRow {
  sid: string;
  friendly_name: string | null;
  email: string | null;
  phone: string | null;
  attributes: string;
  last_worker_sid: string | null;
  date_created: number;
  date_updated: number;
}

const SELECT = "SELECT sid, friendly_name, email, phone, attributes, last_worker_sid, date_created, date_updated FROM sb_profiles";
const MAX_ATTRIBUTES_BYTES = 16_384;
export const MAX_NAME_LENGTH = 256;

/**
 * The name a customer's message gives a new or nameless profile: trimmed, at most {@link MAX_NAME_LENGTH}
 * characters, none when empty. The web chat direct path predicts a new profile with the same rule.
 * @example profileNameOf("  Ada ") // "Ada"
 */
export const profileNameOf = (name: string | null | undefined): string | null => name?.trim().slice(0, MAX_NAME_LENGTH) || null;

export const getProfileRow = (host: StoreHost, sid: string): ProfileRow | undefined =>
  first<ProfileRow>(host, `${SELECT} WHERE sid = ?`, sid);

export function toRecord(host: StoreHost, scope: Scope, row: ProfileRow): ProfileRecord {
  const addresses = rows<ProfileAddress>(
    host,
    "SELECT channel, address FROM sb_profile_addresses WHERE profile_sid = ? ORDER BY date_created, channel, address",
    row.sid,
  );
  return {
    sid: row.sid,
    account_sid: scope.accountSid,
    workspace_sid: scope.workspaceSid,
    friendly_name: row.friendly_name,
    email: row.email,
    phone: row.phone,
    attributes: row.attributes,
    addresses: addresses.map(({ channel, address }) => ({ channel, address })),
    last_worker_sid: row.last_worker_sid,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
  };
}

/** The input with its email and phone normalized, or the first invalid field (named as the REST API names it). */
function validate(input: ProfileInput): ApiResult<ProfileInput> {
  const { friendlyName, attributes, addresses = [] } = input;
  if (friendlyName != null && friendlyName.length > MAX_NAME_LENGTH)
    return invalid("FriendlyName", `must be at most ${MAX_NAME_LENGTH} characters`);
  let email = input.email;
  if (email != null) {
    const normalized = normalizeEmail(email);
    if (!normalized) return invalid("Email", `must be an email address, got ${JSON.stringify(email.slice(0, 80))}`);
    email = normalized;
  }
  let phone = input.phone;
  if (phone != null) {
    const normalized = normalizePhone(phone);
    if (!normalized)
      return invalid("Phone", `must be a phone number in E.164 form, e.g. +15551234567, got ${JSON.stringify(phone.slice(0, 40))}`);
    phone = normalized;
  }
  if (attributes !== undefined) {
    const problem = attributesProblem(attributes);
    if (problem) return invalid("Attributes", problem);
  }
  for (const { channel, address } of addresses) {
    if (!isConversationChannel(channel))
      return invalid("Address", `has an unknown channel ${JSON.stringify(String(channel).slice(0, 40))}`);
    if (typeof address !== "string" || profileKey(channel, address) === null) {
      return invalid("Address", `${JSON.stringify(String(address).slice(0, 80))} is not an address on ${channel}`);
    }
  }
  return ok({ ...input, email, phone, addresses: addresses.map(({ channel, address }) => ({ channel, address: address.trim() })) });
}

function attributesProblem(text: string): string | null {
  if (new TextEncoder().encode(text).length > MAX_ATTRIBUTES_BYTES) return `must be at most ${MAX_ATTRIBUTES_BYTES} bytes of JSON`;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? null : "must be a JSON object";
  } catch {
    return "must be valid JSON";
  }
}

/** Which profile holds a key, if any. */
export const keyHolder = (host: StoreHost, key: string): string | null =>
  first<{ profile_sid: string }>(host, "SELECT profile_sid FROM sb_profile_keys WHERE key = ?", key)?.profile_sid ?? null;

/** Every key the profile's addresses, email and phone give it. */
function keysOf(host: StoreHost, sid: string): Set<string> {
  const keys = new Set<string>();
  const row = getProfileRow(host, sid);
  if (row?.email) keys.add(emailKey(row.email)!);
  if (row?.phone) keys.add(phoneKey(row.phone)!);
  for (const { channel, address } of rows<ProfileAddress>(
    host,
    "SELECT channel, address FROM sb_profile_addresses WHERE profile_sid = ?",
    sid,
  )) {
    const key = profileKey(channel, address);
    if (key) keys.add(key);
  }
  return keys;
}

/** Rewrites the profile's claimed keys from what it holds now (a changed email releases the old one). */
function reclaimKeys(host: StoreHost, sid: string): void {
  run(host, "DELETE FROM sb_profile_keys WHERE profile_sid = ?", sid);
  for (const key of keysOf(host, sid)) run(host, "INSERT INTO sb_profile_keys (key, profile_sid) VALUES (?, ?)", key, sid);
}

/** A 409 when any of the input's keys belongs to a profile other than `sid`. */
function conflict(host: StoreHost, sid: string, input: ProfileInput): ApiFailure | null {
  const claims: [string | null, string][] = [];
  if (input.email) claims.push([emailKey(input.email), `Email ${input.email}`]);
  if (input.phone) claims.push([phoneKey(input.phone), `Phone ${input.phone}`]);
  for (const { channel, address } of input.addresses ?? []) claims.push([profileKey(channel, address), `Address ${channel} ${address}`]);
  for (const [key, what] of claims) {
    const holder = key === null ? null : keyHolder(host, key);
    if (holder !== null && holder !== sid) return fail(409, 20409, `${what} is already linked to profile ${holder}`);
  }
  return null;
}

function linkAddresses(host: StoreHost, sid: string, addresses: readonly ProfileAddress[], now: number): void {
  for (const { channel, address } of addresses) {
    run(
      host,
      `INSERT INTO sb_profile_addresses (channel, address, profile_sid, date_created) VALUES (?, ?, ?, ?)
       ON CONFLICT (channel, address) DO UPDATE SET profile_sid = excluded.profile_sid`,
      channel,
      address,
      sid,
      now,
    );
  }
}

/**
 * Creates a profile under `sid`, linking its addresses.
 * @example createProfile(host, scope, newSid("PR"), { friendlyName: "Ada", addresses: [{ channel: "sms", address: "+15551234567" }] }, Date.now())
 */
export function createProfile(host: StoreHost, scope: Scope, sid: string, input: ProfileInput, now: number): ApiResult<ProfileRecord> {
  const checked = validate(input);
  if (!checked.ok) return checked;
  const clash = conflict(host, sid, checked.value);
  if (clash) return clash;
  const { friendlyName = null, email = null, phone = null, attributes = "{}", addresses = [] } = checked.value;
  run(
    host,
    "INSERT INTO sb_profiles (sid, friendly_name, email, phone, attributes, last_worker_sid, date_created, date_updated) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
    sid,
    friendlyName,
    email,
    phone,
    attributes,
    now,
    now,
  );
  linkAddresses(host, sid, addresses, now);
  reclaimKeys(host, sid);
  return ok(toRecord(host, scope, getProfileRow(host, sid)!));
}

/** Changes the fields the input names (null clears one) and links more addresses. */
export function updateProfile(host: StoreHost, scope: Scope, sid: string, input: ProfileInput, now: number): ApiResult<ProfileRecord> {
  const row = getProfileRow(host, sid);
  if (!row) return notFound("Profile", sid);
  const checked = validate(input);
  if (!checked.ok) return checked;
  const clash = conflict(host, sid, checked.value);
  if (clash) return clash;
  const next = checked.value;
  run(
    host,
    "UPDATE sb_profiles SET friendly_name = ?, email = ?, phone = ?, attributes = ?, date_updated = ? WHERE sid = ?",
    next.friendlyName !== undefined ? next.friendlyName : row.friendly_name,
    next.email !== undefined ? next.email : row.email,
    next.phone !== undefined ? next.phone : row.phone,
    next.attributes ?? row.attributes,
    now,
    sid,
  );
  linkAddresses(host, sid, next.addresses ?? [], now);
  reclaimKeys(host, sid);
  return ok(toRecord(host, scope, getProfileRow(host, sid)!));
}

/** Deletes a profile and its addresses; its conversations stay, without a profile. */
export function deleteProfile(host: StoreHost, sid: string): ApiResult<void> {
  if (!getProfileRow(host, sid)) return notFound("Profile", sid);
  run(host, "DELETE FROM sb_profiles WHERE sid = ?", sid);
  run(host, "DELETE FROM sb_profile_addresses WHERE profile_sid = ?", sid);
  run(host, "DELETE FROM sb_profile_keys WHERE profile_sid = ?", sid);
  run(host, "UPDATE sb_conversations SET profile_sid = NULL WHERE profile_sid = ?", sid);
  return ok(undefined);
}

/** Profiles, oldest first. */
export function listProfiles(host: StoreHost, scope: Scope, request: PageRequest): ApiResult<Page<ProfileRecord>> {
  return keysetPage<ProfileRow, ProfileRecord>(
    host,
    { select: SELECT, where: [], bindings: [], column: "date_created", order: "asc" },
    request,
    (row) => toRecord(host, scope, row),
  );
}

/** The key a lookup asks for, or the field that makes it invalid. */
export function queryKey(query: ProfileQuery): ApiResult<string> {
  if ("email" in query) {
    const key = emailKey(query.email);
    return key ? ok(key) : invalid("Email", "must be an email address");
  }
  if ("phone" in query) {
    const key = phoneKey(query.phone);
    return key ? ok(key) : invalid("Phone", "must be a phone number in E.164 form, e.g. +15551234567");
  }
  if (!isConversationChannel(query.channel)) return invalid("Channel", "is not a conversation channel");
  const key = profileKey(query.channel, query.address);
  return key ? ok(key) : invalid("Address", `is not an address on ${query.channel}`);
}

/**
 * Moves everything of profile `from` (addresses, keys, conversations) to `into` and deletes `from`:
 * a web visitor who was anonymous turns out to be a known customer.
 */
export function mergeProfile(host: StoreHost, from: string, into: string, now: number): void {
  run(host, "UPDATE sb_profile_addresses SET profile_sid = ? WHERE profile_sid = ?", into, from);
  run(host, "UPDATE sb_conversations SET profile_sid = ? WHERE profile_sid = ?", into, from);
  run(host, "DELETE FROM sb_profile_keys WHERE profile_sid = ?", from);
  run(host, "DELETE FROM sb_profiles WHERE sid = ?", from);
  run(host, "UPDATE sb_profiles SET date_updated = ? WHERE sid = ?", now, into);
  reclaimKeys(host, into);
}

/** Sets the worker who last handled the customer. */
export function noteProfileWorker(host: StoreHost, sid: string, workerSid: string, now: number): void {
  run(host, "UPDATE sb_profiles SET last_worker_sid = ?, date_updated = ? WHERE sid = ?", workerSid, now, sid);
}
