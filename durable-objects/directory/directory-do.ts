/**
 * DirectoryDO: one per workspace (`directoryFor(env, workspaceSid)`). A thin shell around the
 * Directory (directory.ts), which owns the index of the workspace's conversations, the open
 * conversation of each customer address, email threads and customer profiles — and, the workspace being
 * one chat service, its Conversations users, who is in which conversation and its webhook configuration.
 * It migrates its storage
 * on start-up and forwards each RPC to one synchronous, transactional operation.
 *
 * RPC methods take the caller's account SID first (the first caller binds the object; any other
 * account is answered 404) and return `ApiResult`s: client errors are values, because RPC keeps only
 * an error's message.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import type { ConversationIndexEntry, ProfileRecord, ResolveInboundInput, ResolvedInbound } from "../common/conversations";
import { applyMigrations } from "../kit/migrations";
import type { PingReply } from "../common/ping";
import type { ApiResult, Page, PageRequest } from "../common/rpc";
import type { ConversationUserInput, ConversationUserRecord, Membership } from "../common/conversation-users";
import type { WebhookConfig, WebhookConfigInput, WebhookConfigs } from "../common/conversation-webhooks";
import { Directory, type ListFilter, type MembershipQuery, type ProfileInput, type ProfileQuery, type WebhookScope } from "./directory";
import { DIRECTORY_MIGRATIONS } from "./schema";

export type { ListFilter, MembershipQuery, ProfileInput, ProfileQuery, WebhookScope } from "./directory";

export class DirectoryDO extends DurableObject<Env> {
  private schemaVersion = 0;
  private directory!: Directory;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, DIRECTORY_MIGRATIONS);
      // Named by the workspace SID.
      this.directory = new Directory(ctx.storage, ctx.id.name ?? "");
    });
  }

  ping(): PingReply {
    return { class: "DirectoryDO", version: this.schemaVersion };
  }

  // ── conversations ────────────────────────────────────────────────────────────────────────────────

  resolveInbound(accountSid: string, input: ResolveInboundInput): ApiResult<ResolvedInbound> {
    return this.directory.resolveInbound(accountSid, input);
  }

  findOpen(accountSid: string, channelSid: string, customerAddress: string): ApiResult<string | null> {
    return this.directory.findOpen(accountSid, channelSid, customerAddress);
  }

  findLatest(accountSid: string, channelSid: string, customerAddress: string): ApiResult<string | null> {
    return this.directory.findLatest(accountSid, channelSid, customerAddress);
  }

  upsert(accountSid: string, entry: ConversationIndexEntry): ApiResult<void> {
    return this.directory.upsert(accountSid, entry);
  }

  remove(accountSid: string, conversationSid: string): ApiResult<void> {
    return this.directory.remove(accountSid, conversationSid);
  }

  list(accountSid: string, page: PageRequest, filter: ListFilter = {}): ApiResult<Page<ConversationIndexEntry>> {
    return this.directory.list(accountSid, page, filter);
  }

  byUniqueName(accountSid: string, uniqueName: string): ApiResult<string | null> {
    return this.directory.byUniqueName(accountSid, uniqueName);
  }

  recordThread(accountSid: string, conversationSid: string, messageIds: readonly string[]): ApiResult<void> {
    return this.directory.recordThread(accountSid, conversationSid, messageIds);
  }

  noteWorker(accountSid: string, conversationSid: string, workerSid: string): ApiResult<void> {
    return this.directory.noteWorker(accountSid, conversationSid, workerSid);
  }

  // ── profiles ─────────────────────────────────────────────────────────────────────────────────────

  createProfile(accountSid: string, input: ProfileInput): ApiResult<ProfileRecord> {
    return this.directory.createProfile(accountSid, input);
  }

  getProfile(accountSid: string, profileSid: string): ApiResult<ProfileRecord> {
    return this.directory.getProfile(accountSid, profileSid);
  }

  updateProfile(accountSid: string, profileSid: string, input: ProfileInput): ApiResult<ProfileRecord> {
    return this.directory.updateProfile(accountSid, profileSid, input);
  }

  deleteProfile(accountSid: string, profileSid: string): ApiResult<void> {
    return this.directory.deleteProfile(accountSid, profileSid);
  }

  listProfiles(accountSid: string, page: PageRequest): ApiResult<Page<ProfileRecord>> {
    return this.directory.listProfiles(accountSid, page);
  }

  profileConversations(accountSid: string, profileSid: string, page: PageRequest): ApiResult<Page<ConversationIndexEntry>> {
    return this.directory.profileConversations(accountSid, profileSid, page);
  }

  findProfile(accountSid: string, query: ProfileQuery): ApiResult<ProfileRecord | null> {
    return this.directory.findProfile(accountSid, query);
  }

  // ── the chat service ─────────────────────────────────────────────────────────────────────────────

  createUser(accountSid: string, input: ConversationUserInput): ApiResult<ConversationUserRecord> {
    return this.directory.createUser(accountSid, input);
  }

  getUser(accountSid: string, sidOrIdentity: string): ApiResult<ConversationUserRecord> {
    return this.directory.getUser(accountSid, sidOrIdentity);
  }

  updateUser(accountSid: string, sidOrIdentity: string, input: ConversationUserInput): ApiResult<ConversationUserRecord> {
    return this.directory.updateUser(accountSid, sidOrIdentity, input);
  }

  deleteUser(accountSid: string, sidOrIdentity: string): ApiResult<void> {
    return this.directory.deleteUser(accountSid, sidOrIdentity);
  }

  listUsers(accountSid: string, page: PageRequest): ApiResult<Page<ConversationUserRecord>> {
    return this.directory.listUsers(accountSid, page);
  }

  memberships(accountSid: string, query: MembershipQuery, page: PageRequest): ApiResult<Page<Membership>> {
    return this.directory.memberships(accountSid, query, page);
  }

  webhookConfig(accountSid: string, scope: WebhookScope): ApiResult<WebhookConfig> {
    return this.directory.webhookConfig(accountSid, scope);
  }

  setWebhookConfig(accountSid: string, scope: WebhookScope, input: WebhookConfigInput): ApiResult<WebhookConfig> {
    return this.directory.setWebhookConfig(accountSid, scope, input);
  }

  webhookConfigs(accountSid: string): ApiResult<WebhookConfigs> {
    return this.directory.webhookConfigs(accountSid);
  }
}
