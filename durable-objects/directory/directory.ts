/**
 * The directory of one workspace: everything the DirectoryDO answers, as synchronous operations over
 * the narrow storage host (so the whole of it runs on `node:sqlite` in unit tests). Each operation
 * checks the caller's account (the first caller binds the object; any other account is answered 404
 * for everything), runs in one transaction, and rolls back entirely when it ends in a client error.
 *
 * Because a Durable Object runs one synchronous operation at a time, `resolveInbound` is the single
 * place where two webhooks arriving together for a new customer agree on ONE conversation.
 */
import type { ConversationUserInput, ConversationUserRecord, Membership } from "../common/conversation-users";
import type { WebhookConfig, WebhookConfigInput, WebhookConfigs } from "../common/conversation-webhooks";
import type { ConversationIndexEntry, CustomerContext, ProfileRecord, ResolveInboundInput, ResolvedInbound } from "../common/conversations";
import { fail, invalid, notFound, ok, type ApiFailure, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { isSid, newSid } from "../../contract/ids";
import { iso } from "../../contract/taskrouter";
import { first, run, type StoreHost } from "../kit/sql-host";
import { contactOf, emailKey, isConversationChannel, normalizeEmail, normalizePhone, phoneKey, profileKey } from "./addresses";
import * as index from "./conversation-index";
import * as profiles from "./profiles";
import * as users from "./users";
import * as hooks from "./webhook-config";
import type { WebhookScope } from "./webhook-config";
import * as recordings from "./recordings";
import * as executions from "./executions";
import type { ExecutionRecord } from "../flow/flow-records";
import { parsePartKey, type EgressReport } from "./recording-policy";
import type { RecordingChange, RecordingRecord, RecordingSettings } from "../../contract/recordings";

export type { ProfileAddress, ProfileInput, ProfileQuery } from "./profiles";
export type { ListFilter, MembershipQuery } from "./conversation-index";
export type { WebhookScope } from "./webhook-config";
export type { OpenInput, RecordingEffects, RecordingFilter, SettingsInput } from "./recordings";
export type { EgressReport } from "./recording-policy";

/** How many earlier conversations a customer's context carries. */
export const HISTORY_LIMIT = 10;

/** A client error raised inside a transaction, so the transaction rolls back. */
class Abort extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
  }
}

export class Directory {
  constructor(
    private readonly host: StoreHost,
    private readonly workspaceSid: string,
    private readonly now: () => number = Date.now,
  ) {}

  // ── conversations ──────────────────────────────────────────────────────────────────────────────

  /**
   * The conversation an inbound message belongs to, claiming `newConversationSid` when it has none,
   * and the customer's profile (found or created by address) with their history.
   * @example directory.resolveInbound(ACCOUNT, { workspaceSid, channelSid, channel: "sms", customerAddress: "+15551234567",
   *   customerName: null, thread: null, newConversationSid: newSid("CH") })
   */
  resolveInbound(accountSid: string, input: ResolveInboundInput): ApiResult<ResolvedInbound> {
    return this.write(accountSid, () => {
      const { channelSid, channel, thread } = input;
      if (input.workspaceSid !== this.workspaceSid) return notFound("Workspace", input.workspaceSid);
      if (!isSid("XC", channelSid)) return invalid("channelSid", "must be an XC SID");
      if (!isConversationChannel(channel)) return invalid("channel", "is not a conversation channel");
      if (typeof input.customerAddress !== "string" || profileKey(channel, input.customerAddress) === null) {
        return invalid("customerAddress", `is not an address on ${channel}`);
      }
      if (!isSid("CH", input.newConversationSid)) return invalid("newConversationSid", "must be a CH SID");
      if (input.newProfileSid !== undefined) {
        if (!isSid("PR", input.newProfileSid)) return invalid("newProfileSid", "must be a PR SID");
        if (profiles.getProfileRow(this.host, input.newProfileSid)) {
          // Taken already: only by this same message's earlier registration, which holds the address too.
          const holder = profiles.keyHolder(this.host, profileKey(channel, input.customerAddress.trim())!);
          if (holder !== input.newProfileSid) return fail(409, 20409, `Profile ${input.newProfileSid} already exists`);
        }
      }
      const address = input.customerAddress.trim();
      const now = this.now();

      let conversationSid = index.findOpen(this.host, channelSid, address);
      if (conversationSid === null && thread) conversationSid = index.threadConversation(this.host, channelSid, thread);
      // A rating replying to the survey of the customer's conversation that just ended answers it there.
      const survey =
        conversationSid === null && input.surveyReply === true ? index.surveyAwaiting(this.host, channelSid, address, now) : null;
      if (survey !== null) {
        const profileSid = index.getConversation(this.host, survey)?.profile_sid ?? this.profileFor(input, address, now);
        return ok({
          conversationSid: survey,
          created: false,
          survey: true,
          customer: this.customerContext(profileSid, survey),
          webhooks: this.configs(),
        });
      }
      const created = conversationSid === null;
      const profileSid = this.profileFor(input, address, now);
      if (conversationSid === null) {
        conversationSid = input.newConversationSid;
        if (index.getConversation(this.host, conversationSid)) return fail(409, 20409, `Conversation ${conversationSid} already exists`);
        index.saveConversation(this.host, {
          sid: conversationSid,
          unique_name: null,
          friendly_name: null,
          state: "active",
          channel,
          channel_sid: channelSid,
          customer_address: address,
          profile_sid: profileSid,
          last_worker_sid: null,
          date_created: now,
          date_updated: now,
          survey: null,
          survey_open_until: null,
        });
        index.claimAddress(this.host, channelSid, address, conversationSid);
      } else {
        // An index row written before the profile existed (an API-made conversation) gets its customer.
        run(
          this.host,
          "UPDATE sb_conversations SET profile_sid = ? WHERE sid = ? AND profile_sid IS NULL AND customer_address = ?",
          profileSid,
          conversationSid,
          address,
        );
      }
      if (thread) index.recordMessageIds(this.host, channelSid, conversationSid, [thread.messageId]);
      return ok({ conversationSid, created, customer: this.customerContext(profileSid, conversationSid), webhooks: this.configs() });
    });
  }

  findOpen(accountSid: string, channelSid: string, customerAddress: string): ApiResult<string | null> {
    return this.read(accountSid, () => ok(index.findOpen(this.host, channelSid, customerAddress.trim())));
  }

  findLatest(accountSid: string, channelSid: string, customerAddress: string): ApiResult<index.LatestConversation> {
    return this.read(accountSid, () => ok(index.findLatest(this.host, channelSid, customerAddress.trim())));
  }

  upsert(accountSid: string, entry: ConversationIndexEntry): ApiResult<void> {
    return this.write(accountSid, () => {
      if (!isSid("CH", entry.sid)) return invalid("sid", "must be a CH SID");
      if (!["active", "inactive", "closed"].includes(entry.state)) return invalid("State", "must be one of active, inactive, closed");
      if (entry.channel !== null && !isConversationChannel(entry.channel)) return invalid("channel", "is not a conversation channel");
      return index.upsertConversation(this.host, { ...entry, customerAddress: entry.customerAddress?.trim() ?? null });
    });
  }

  remove(accountSid: string, conversationSid: string): ApiResult<void> {
    return this.write(accountSid, () => {
      index.removeConversation(this.host, conversationSid);
      return ok(undefined);
    });
  }

  list(accountSid: string, page: PageRequest, filter: index.ListFilter = {}): ApiResult<Page<ConversationIndexEntry>> {
    return this.read(accountSid, () => index.listConversations(this.host, page, filter));
  }

  byUniqueName(accountSid: string, uniqueName: string): ApiResult<string | null> {
    return this.read(accountSid, () =>
      ok(first<{ sid: string }>(this.host, "SELECT sid FROM sb_conversations WHERE unique_name = ?", uniqueName)?.sid ?? null),
    );
  }

  /** Records the Message-IDs of mails sent from a conversation, so the customer's replies thread back. */
  recordThread(accountSid: string, conversationSid: string, messageIds: readonly string[]): ApiResult<void> {
    return this.write(accountSid, () => {
      const row = index.getConversation(this.host, conversationSid);
      if (!row) return notFound("Conversation", conversationSid);
      if (row.channel_sid === null) return invalid("conversationSid", `${conversationSid} has no channel to thread mail on`);
      index.recordMessageIds(this.host, row.channel_sid, conversationSid, messageIds);
      return ok(undefined);
    });
  }

  /** The worker now handling the conversation becomes its and its customer's last worker (known-agent routing). */
  noteWorker(accountSid: string, conversationSid: string, workerSid: string): ApiResult<void> {
    return this.write(accountSid, () => {
      const row = index.getConversation(this.host, conversationSid);
      if (!row) return notFound("Conversation", conversationSid);
      if (!isSid("WK", workerSid)) return invalid("workerSid", "must be a WK SID");
      run(this.host, "UPDATE sb_conversations SET last_worker_sid = ? WHERE sid = ?", workerSid, conversationSid);
      if (row.profile_sid !== null) profiles.noteProfileWorker(this.host, row.profile_sid, workerSid, this.now());
      return ok(undefined);
    });
  }

  // ── profiles ───────────────────────────────────────────────────────────────────────────────────

  createProfile(accountSid: string, input: profiles.ProfileInput): ApiResult<ProfileRecord> {
    return this.write(accountSid, () => profiles.createProfile(this.host, this.scope(accountSid), newSid("PR"), input, this.now()));
  }

  getProfile(accountSid: string, profileSid: string): ApiResult<ProfileRecord> {
    return this.read(accountSid, () => {
      const row = profiles.getProfileRow(this.host, profileSid);
      return row ? ok(profiles.toRecord(this.host, this.scope(accountSid), row)) : notFound("Profile", profileSid);
    });
  }

  updateProfile(accountSid: string, profileSid: string, input: profiles.ProfileInput): ApiResult<ProfileRecord> {
    return this.write(accountSid, () => profiles.updateProfile(this.host, this.scope(accountSid), profileSid, input, this.now()));
  }

  deleteProfile(accountSid: string, profileSid: string): ApiResult<void> {
    return this.write(accountSid, () => profiles.deleteProfile(this.host, profileSid));
  }

  listProfiles(accountSid: string, page: PageRequest): ApiResult<Page<ProfileRecord>> {
    return this.read(accountSid, () => profiles.listProfiles(this.host, this.scope(accountSid), page));
  }

  /** The profile's conversations, newest first. */
  profileConversations(accountSid: string, profileSid: string, page: PageRequest): ApiResult<Page<ConversationIndexEntry>> {
    return this.read(accountSid, () =>
      profiles.getProfileRow(this.host, profileSid)
        ? index.profileConversationPage(this.host, profileSid, page)
        : notFound("Profile", profileSid),
    );
  }

  /** The profile holding an address, an email or a phone; null when none does. */
  findProfile(accountSid: string, query: profiles.ProfileQuery): ApiResult<ProfileRecord | null> {
    return this.read(accountSid, () => {
      const key = profiles.queryKey(query);
      if (!key.ok) return key;
      const sid = profiles.keyHolder(this.host, key.value);
      const row = sid === null ? undefined : profiles.getProfileRow(this.host, sid);
      return ok(row ? profiles.toRecord(this.host, this.scope(accountSid), row) : null);
    });
  }

  // ── the chat service: users, memberships, webhook configuration ─────────────────────────────────

  createUser(accountSid: string, input: ConversationUserInput): ApiResult<ConversationUserRecord> {
    return this.write(accountSid, () => users.createUser(this.host, this.scope(accountSid), newSid("US"), input, this.now()));
  }

  getUser(accountSid: string, sidOrIdentity: string): ApiResult<ConversationUserRecord> {
    return this.read(accountSid, () => users.getUser(this.host, this.scope(accountSid), sidOrIdentity));
  }

  updateUser(accountSid: string, sidOrIdentity: string, input: ConversationUserInput): ApiResult<ConversationUserRecord> {
    return this.write(accountSid, () => users.updateUser(this.host, this.scope(accountSid), sidOrIdentity, input, this.now()));
  }

  deleteUser(accountSid: string, sidOrIdentity: string): ApiResult<void> {
    return this.write(accountSid, () => users.deleteUser(this.host, sidOrIdentity));
  }

  listUsers(accountSid: string, page: PageRequest): ApiResult<Page<ConversationUserRecord>> {
    return this.read(accountSid, () => users.listUsers(this.host, this.scope(accountSid), page));
  }

  /** The conversations a chat identity or a binding address is a participant of, oldest first. */
  memberships(accountSid: string, query: index.MembershipQuery, page: PageRequest): ApiResult<Page<Membership>> {
    return this.read(accountSid, () => index.memberships(this.host, query, page));
  }

  webhookConfig(accountSid: string, scope: WebhookScope): ApiResult<WebhookConfig> {
    return this.read(accountSid, () => ok(hooks.getWebhookConfig(this.host, scope)));
  }

  setWebhookConfig(accountSid: string, scope: WebhookScope, input: WebhookConfigInput): ApiResult<WebhookConfig> {
    return this.write(accountSid, () => hooks.setWebhookConfig(this.host, scope, input));
  }

  /** What this chat service's conversations send their events to, besides their own scoped webhooks. */
  webhookConfigs(accountSid: string): ApiResult<WebhookConfigs> {
    return this.read(accountSid, () => ok(this.configs()));
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────

  private configs(): WebhookConfigs {
    return { service: hooks.setConfigOf(this.host, "service"), account: hooks.setConfigOf(this.host, "account") };
  }

  // ── call recordings (recordings.ts) ────────────────────────────────────────────────────────────

  recordingSettings(accountSid: string): ApiResult<RecordingSettings> {
    return this.read(accountSid, () => ok(recordings.getSettings(this.host)));
  }

  setRecordingSettings(accountSid: string, input: recordings.SettingsInput): ApiResult<RecordingSettings> {
    return this.write(accountSid, () => recordings.setSettings(this.host, input, this.now()));
  }

  /** A call became connected: its recording and the part to start, or null when it is not recorded. */
  openRecording(accountSid: string, input: recordings.OpenInput): ApiResult<recordings.RecordingEffects | null> {
    return this.write(accountSid, () => recordings.openRecording(this.host, this.scope(accountSid), input, this.now()));
  }

  /** What LiveKit answered when a part's egress was asked for: its egress ID, or why it could not start. */
  recordingPartStarted(
    accountSid: string,
    recordingSid: string,
    index: number,
    outcome: { egressId: string } | { error: string },
  ): ApiResult<recordings.RecordingEffects> {
    return this.write(accountSid, () =>
      recordings.partStarted(this.host, this.scope(accountSid), recordingSid, index, outcome, this.now()),
    );
  }

  changeRecording(accountSid: string, callSid: string, change: RecordingChange): ApiResult<recordings.RecordingEffects> {
    return this.write(accountSid, () => recordings.changeRecording(this.host, this.scope(accountSid), callSid, change, this.now()));
  }

  callRecordingEnded(accountSid: string, callSid: string): ApiResult<recordings.RecordingEffects | null> {
    return this.write(accountSid, () => recordings.callEnded(this.host, this.scope(accountSid), callSid, this.now()));
  }

  /**
   * LiveKit's signed egress webhook (checked by the Worker before it gets here) for a part of this
   * workspace: it names no account, so it is applied under the account the object is bound to, and only
   * to the part its key names whose egress ID matches. Answers the recording when it changed, else null.
   */
  applyEgressReport(report: EgressReport): ApiResult<RecordingRecord | null> {
    const part = parsePartKey(report.key);
    if (!part || part.workspaceSid !== this.workspaceSid)
      return invalid("key", `${JSON.stringify(report.key.slice(0, 120))} is not a recording of ${this.workspaceSid}`);
    const bound = first<{ account_sid: string }>(this.host, "SELECT account_sid FROM sb_directory_account WHERE id = 1");
    if (!bound) return notFound("Recording", part.recordingSid);
    return this.write(bound.account_sid, () =>
      recordings.applyEgressReport(this.host, this.scope(bound.account_sid), part.recordingSid, part.index, report, this.now()),
    );
  }

  listRecordings(accountSid: string, page: PageRequest, filter: recordings.RecordingFilter): ApiResult<Page<RecordingRecord>> {
    return this.read(accountSid, () => recordings.listRecordings(this.host, this.scope(accountSid), page, filter));
  }

  getRecording(accountSid: string, recordingSid: string): ApiResult<RecordingRecord> {
    return this.read(accountSid, () => recordings.getRecording(this.host, this.scope(accountSid), recordingSid));
  }

  recordingMediaKey(accountSid: string, recordingSid: string, index: number): ApiResult<string> {
    return this.read(accountSid, () => recordings.mediaKey(this.host, this.scope(accountSid), recordingSid, index));
  }

  /** The keys to delete from R2 before {@link recordingDeleted} marks the record. */
  recordingMediaKeys(accountSid: string, recordingSid: string): ApiResult<string[]> {
    return this.read(accountSid, () => recordings.mediaKeys(this.host, this.scope(accountSid), recordingSid));
  }

  recordingDeleted(accountSid: string, recordingSid: string): ApiResult<RecordingRecord> {
    return this.write(accountSid, () => recordings.markDeleted(this.host, this.scope(accountSid), recordingSid, this.now()));
  }

  // ── flow executions (issue 16: Studio's Executions list) ──────────────────────────────────────────

  /** An execution as its FlowDO last saw it (a late, older write changes nothing). */
  recordExecution(accountSid: string, record: ExecutionRecord): ApiResult<boolean> {
    return this.write(accountSid, () => executions.recordExecution(this.host, record));
  }

  removeExecution(accountSid: string, flowSid: string, executionSid: string): ApiResult<void> {
    void flowSid;
    return this.write(accountSid, () => executions.removeExecution(this.host, executionSid));
  }

  /** A flow's executions, newest first, optionally created between `filter.from` and `filter.to` (epoch ms). */
  listExecutions(
    accountSid: string,
    flowSid: string,
    filter: executions.ExecutionFilter,
    page: PageRequest,
  ): ApiResult<Page<ExecutionRecord>> {
    return this.read(accountSid, () => executions.listExecutions(this.host, flowSid, filter, page));
  }

  /** The account the object is bound to (the alarm's deletions act for it), or null before any call. */
  boundAccount(): string | null {
    return first<{ account_sid: string }>(this.host, "SELECT account_sid FROM sb_directory_account WHERE id = 1")?.account_sid ?? null;
  }

  private scope(accountSid: string): profiles.Scope {
    return { accountSid, workspaceSid: this.workspaceSid };
  }

  /** Null when the caller may use this directory; the first caller's account is bound to it. */
  private bind(accountSid: string): ApiFailure | null {
    if (!isSid("AC", accountSid)) return notFound("Workspace", this.workspaceSid);
    const bound = first<{ account_sid: string }>(this.host, "SELECT account_sid FROM sb_directory_account WHERE id = 1");
    if (!bound) run(this.host, "INSERT INTO sb_directory_account (id, account_sid) VALUES (1, ?)", accountSid);
    else if (bound.account_sid !== accountSid) return notFound("Workspace", this.workspaceSid);
    return null;
  }

  private read<T>(accountSid: string, fn: () => ApiResult<T>): ApiResult<T> {
    return this.bind(accountSid) ?? fn();
  }

  private write<T>(accountSid: string, fn: () => ApiResult<T>): ApiResult<T> {
    try {
      return this.host.transactionSync(() => {
        const refused = this.bind(accountSid);
        if (refused) return refused;
        const result = fn();
        if (!result.ok) throw new Abort(result);
        return result;
      });
    } catch (error) {
      if (error instanceof Abort) return error.failure;
      throw error;
    }
  }

  /**
   * The profile of the person writing from `address`: the one holding the address's key, else the one
   * holding the email or phone they gave, else a new one. A profile that knew only this address (an
   * anonymous web visitor) is merged into the known customer they identify as; two profiles that each
   * have contact details are never merged on a form's word.
   */
  private profileFor(input: ResolveInboundInput, address: string, now: number): string {
    const scope = { accountSid: "", workspaceSid: this.workspaceSid };
    const name = profiles.profileNameOf(input.customerName);
    const email = (input.identified?.email && normalizeEmail(input.identified.email)) || contactOf(input.channel, address).email;
    const phone = (input.identified?.phone && normalizePhone(input.identified.phone)) || contactOf(input.channel, address).phone;
    const free = (key: string | null) => key !== null && profiles.keyHolder(this.host, key) === null;
    const known =
      (email && profiles.keyHolder(this.host, emailKey(email)!)) || (phone && profiles.keyHolder(this.host, phoneKey(phone)!)) || null;

    let sid = profiles.keyHolder(this.host, profileKey(input.channel, address)!);
    if (sid !== null && known !== null && known !== sid) {
      const own = profiles.getProfileRow(this.host, sid)!;
      if (own.email === null && own.phone === null) {
        profiles.mergeProfile(this.host, sid, known, now);
        sid = known;
      }
    }
    if (sid === null && known !== null) sid = known;
    if (sid === null) {
      const made = profiles.createProfile(
        this.host,
        scope,
        input.newProfileSid ?? newSid("PR"),
        { friendlyName: name, email: free(email && emailKey(email)) ? email : null, phone: free(phone && phoneKey(phone)) ? phone : null },
        now,
      );
      if (!made.ok) throw new Abort(made);
      sid = made.value.sid;
    }
    // Fill what the profile does not know yet; never overwrite what an agent or an earlier message set.
    const row = profiles.getProfileRow(this.host, sid)!;
    const fill: profiles.ProfileInput = {
      addresses: [{ channel: input.channel, address }],
      ...(row.friendly_name === null && name !== null ? { friendlyName: name } : {}),
      ...(row.email === null && email && free(emailKey(email)) ? { email } : {}),
      ...(row.phone === null && phone && free(phoneKey(phone)) ? { phone } : {}),
    };
    const linked = first(
      this.host,
      "SELECT 1 FROM sb_profile_addresses WHERE channel = ? AND address = ? AND profile_sid = ?",
      input.channel,
      address,
      sid,
    );
    if (linked && Object.keys(fill).length === 1) return sid;
    const updated = profiles.updateProfile(this.host, scope, sid, fill, now);
    if (!updated.ok) throw new Abort(updated);
    return sid;
  }

  private customerContext(profileSid: string, conversationSid: string): CustomerContext {
    const row = profiles.getProfileRow(this.host, profileSid)!;
    return {
      profileSid,
      name: row.friendly_name,
      email: row.email,
      phone: row.phone,
      lastWorkerSid: row.last_worker_sid,
      history: index.recentConversations(this.host, profileSid, conversationSid, HISTORY_LIMIT).map((c) => ({
        conversationSid: c.sid,
        channel: c.channel as CustomerContext["history"][number]["channel"],
        dateCreated: iso(c.date_created),
        workerSid: c.last_worker_sid,
      })),
    };
  }
}
