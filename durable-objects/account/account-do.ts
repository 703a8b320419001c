/**
 * AccountDO: one per account (named by its SID, `AC…`), holding what spans the account's workspaces —
 * the directory of its workspaces, which `GET /Workspaces` lists without waking every WorkspaceDO, and
 * its API keys, which HTTP Basic authentication verifies.
 *
 * The directory is a copy: each WorkspaceDO is the record of its own workspace and keeps its entry
 * here current (`putWorkspace` / `removeWorkspace`), retrying until it succeeds. API key secrets are
 * returned once, at creation; what is stored is their SHA-256, for HTTP Basic, and a copy sealed under
 * a key derived from the auth token, so the signature of an AccessToken made with the key can be checked
 * here without the secret ever leaving this object (see api-keys.ts).
 *
 * It also holds the people who sign in (users.ts, sign-in.ts: password hashes, the sign-in rate limit),
 * their sign-in sessions (sessions.ts) and where their live connections are open (user-sockets.ts),
 * and the plugins each workspace's desktop loads (plugins.ts): one deployment is one account, so one
 * object answers every sign-in. Passwords cross RPC from the Worker in plain text and are hashed here;
 * no hash ever leaves this object.
 *
 * A change to who a user is (deleted, disabled, role, workspace, worker) or to their sessions is
 * committed with a notice in the same transaction; the notice is then carried to the Router DOs and
 * ConversationDOs where the user has sockets open, which close those the user may no longer hold. The
 * one alarm retries a notice that could not be delivered.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import { applyMigrations } from "../kit/migrations";
import { ACCOUNT_MIGRATIONS } from "./schema";
import { putWorkspace, removeWorkspace, listWorkspaces, type WorkspaceDirectoryFilters } from "./workspace-directory";
import {
  deleteKey,
  insertKey,
  keyRecord,
  keySecrets,
  listKeys,
  MAX_API_KEY_NAME_LENGTH,
  type ApiKeyRecord,
  type KeyRow,
  type NewApiKey,
} from "./api-key-store";
import type { PingReply } from "../common/ping";
import { fail, invalid, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import type { WorkspaceRecord } from "../../contract/taskrouter";
import { newSid } from "../../contract/ids";
import { accessChanged, accessRefusal, type AccessRefusal, type TokenBinding } from "../common/user-access";
import { NoticeCourier } from "./notice-courier";
import { endSession, endSessions, isLive, startSession, userAccess } from "./sessions";
import { notePlace, queueNotice, type Place } from "./user-sockets";
import { fromBase64Url, hashSecret, hmacMatches, newSecret, openSecret, sealSecret, secretMatches } from "./api-keys";
import { hashPassword } from "./passwords";
import {
  createPlugin,
  deletePlugin,
  getPlugin,
  listPlugins,
  pluginOrigins,
  updatePlugin,
  type PluginInput,
  type PluginRecord,
} from "./plugins";
import { bootstrapAdmin, signIn, type SignIn } from "./sign-in";
import {
  crmOrigins,
  getDesktopSettings,
  putDesktopSettings,
  type DesktopSettingsInput,
  type DesktopSettingsRecord,
} from "./desktop-settings";
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  updateUser,
  userRecord,
  userRowByEmail,
  type UserChanges,
  type UserFilters,
  type UserInput,
  type UserRecord,
} from "./users";

export class AccountDO extends DurableObject<Env> {
  private schemaVersion = 0;
  private readonly notices: NoticeCourier;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.notices = new NoticeCourier(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, ACCOUNT_MIGRATIONS);
    });
  }

  ping(): PingReply {
    return { class: "AccountDO", version: this.schemaVersion };
  }

  // ── workspace directory (kept current by each WorkspaceDO; workspace-directory.ts) ────────────────

  putWorkspace(record: WorkspaceRecord): void {
    putWorkspace(this.ctx.storage, record);
  }

  removeWorkspace(sid: string): void {
    removeWorkspace(this.ctx.storage, sid);
  }

  /** The account's workspaces, oldest first, optionally only those with this exact friendly name. */
  listWorkspaces(filters: WorkspaceDirectoryFilters, page: PageRequest): ApiResult<Page<WorkspaceRecord>> {
    return listWorkspaces(this.ctx.storage, filters, page);
  }

  // ── API keys (api-key-store.ts, api-keys.ts) ─────────────────────────────────────────────────────

  /** Creates a key; the answer carries its secret, which is never available again. */
  async createApiKey(friendlyName: string): Promise<ApiResult<NewApiKey>> {
    if (friendlyName.length > MAX_API_KEY_NAME_LENGTH) {
      return invalid("FriendlyName", `must be at most ${MAX_API_KEY_NAME_LENGTH} characters, got ${friendlyName.length}`);
    }
    const secret = newSecret();
    const now = Date.now();
    const row: KeyRow = { sid: newSid("SK"), friendly_name: friendlyName, date_created: now, date_updated: now };
    const hash = await hashSecret(secret);
    const sealed = this.env.AUTH_TOKEN ? await sealSecret(secret, this.env.AUTH_TOKEN, row.sid) : null;
    insertKey(this.ctx.storage, row, hash, sealed);
    return ok({ ...keyRecord(row), secret });
  }

  /** Whether `secret` is the secret of this account's key `sid`. */
  async verifyApiKey(sid: string, secret: string): Promise<boolean> {
    return secretMatches(secret, keySecrets(this.ctx.storage, sid)?.secret_sha256);
  }

  /**
   * Whether `signature` (base64url) is the HMAC-SHA256 of `signingInput` under key `sid`'s secret: how
   * a Twilio AccessToken signed with the key is checked. False for an unknown key, a key created before
   * secrets were sealed, or a seal made under a previous auth token.
   */
  async verifyApiKeySignature(sid: string, signingInput: string, signature: string): Promise<boolean> {
    const sealed = keySecrets(this.ctx.storage, sid)?.secret_sealed;
    const authToken = this.env.AUTH_TOKEN;
    const signatureBytes = fromBase64Url(signature);
    if (!sealed || !authToken || !signatureBytes) return false;
    const secret = await openSecret(sealed, authToken, sid);
    return secret !== null && hmacMatches(secret, signingInput, signatureBytes);
  }

  /** Whether key `sid` exists: the tokens a key asked for die with it. */
  hasApiKey(sid: string): boolean {
    return keySecrets(this.ctx.storage, sid) !== undefined;
  }

  listApiKeys(page: PageRequest): ApiResult<Page<ApiKeyRecord>> {
    return listKeys(this.ctx.storage, page);
  }

  deleteApiKey(sid: string): ApiResult<null> {
    return deleteKey(this.ctx.storage, sid);
  }

  // ── users and sign-in (users.ts, sign-in.ts) ─────────────────────────────────────────────────────

  /** Creates a user; `password` omitted for an SSO-only user. The Worker has checked the workspace and worker exist. */
  async createUser(input: UserInput, password?: string): Promise<ApiResult<UserRecord>> {
    const hash = password === undefined ? null : await hashPassword(password);
    return createUser(this.ctx.storage, input, hash, Date.now());
  }

  listUsers(filters: UserFilters, page: PageRequest): ApiResult<Page<UserRecord>> {
    return listUsers(this.ctx.storage, filters, page);
  }

  getUser(sid: string): ApiResult<UserRecord> {
    return getUser(this.ctx.storage, sid);
  }

  /** The user with this email (any case), for SSO; null when there is none. */
  findUserByEmail(email: string): UserRecord | null {
    const row = userRowByEmail(this.ctx.storage, email);
    return row ? userRecord(row) : null;
  }

  /**
   * Changes a user; `password` set replaces the password (hashed here, never stored in plain text) and
   * ends the user's other sessions — all but `keepSession`, the caller's own when they change their own
   * password. Disabling ends every session. Open sockets the user may no longer hold are closed.
   */
  async updateUser(sid: string, changes: UserChanges, password?: string, keepSession?: string): Promise<ApiResult<UserRecord>> {
    const hash = password === undefined ? undefined : await hashPassword(password);
    const now = Date.now();
    const result = this.ctx.storage.transactionSync(() => {
      const before = userAccess(this.ctx.storage, sid, now);
      const updated = updateUser(this.ctx.storage, sid, changes, hash, now);
      if (!updated.ok) return updated;
      let ended = 0;
      if (updated.value.disabled) ended = endSessions(this.ctx.storage, sid);
      else if (hash !== undefined) ended = endSessions(this.ctx.storage, sid, keepSession ?? null);
      const after = userAccess(this.ctx.storage, sid, now);
      if (ended > 0 || accessChanged(before, after)) queueNotice(this.ctx.storage, sid, now);
      return updated;
    });
    await this.notices.queued();
    return result;
  }

  /** Deletes a user, their sessions with them; their open sockets are closed. */
  async deleteUser(sid: string): Promise<ApiResult<null>> {
    const result = this.ctx.storage.transactionSync(() => {
      const deleted = deleteUser(this.ctx.storage, sid);
      if (!deleted.ok) return deleted;
      endSessions(this.ctx.storage, sid);
      queueNotice(this.ctx.storage, sid, Date.now());
      return deleted;
    });
    await this.notices.queued();
    return result;
  }

  // ── sign-in sessions (sessions.ts) ────────────────────────────────────────────────────────────────

  /** Starts a session for a user who just proved who they are; null when they are gone or disabled meanwhile. */
  startSession(userSid: string, ttlMs: number): string | null {
    const user = userAccess(this.ctx.storage, userSid, Date.now());
    if (!user || user.disabled) return null;
    return startSession(this.ctx.storage, userSid, Date.now(), ttlMs);
  }

  /** The user of a session cookie, if the session has not ended and the user may still sign in (401 otherwise). */
  sessionUser(userSid: string, sessionSid: string): ApiResult<UserRecord> {
    const user = getUser(this.ctx.storage, userSid);
    if (!user.ok || user.value.disabled) return fail(401, 20003, "This user was removed or disabled: sign in again");
    if (!isLive(this.ctx.storage, userSid, sessionSid, Date.now())) return fail(401, 20003, "This session has ended: sign in again");
    return user;
  }

  /** Signs out one session (its sockets close); false when it had already ended. */
  async endSession(userSid: string, sessionSid: string): Promise<boolean> {
    const ended = this.ctx.storage.transactionSync(() => {
      const done = endSession(this.ctx.storage, userSid, sessionSid);
      if (done) queueNotice(this.ctx.storage, userSid, Date.now());
      return done;
    });
    await this.notices.queued();
    return ended;
  }

  /** Signs the user out everywhere: every session ends and every socket opened from one closes. Answers how many ended. */
  async endAllSessions(userSid: string): Promise<number> {
    const ended = this.ctx.storage.transactionSync(() => {
      const count = endSessions(this.ctx.storage, userSid);
      queueNotice(this.ctx.storage, userSid, Date.now());
      return count;
    });
    await this.notices.queued();
    return ended;
  }

  /**
   * Whether the user a token was minted for may still use it (common/user-access.ts): null when they
   * may, else the close code and reason. `opening` names where a socket is being opened with it (a
   * workspace or a conversation), remembered so that a later change can close it.
   */
  checkTokenUser(binding: TokenBinding, opening: Place | null): AccessRefusal | null {
    const now = Date.now();
    const refusal = accessRefusal(userAccess(this.ctx.storage, binding.userSid, now), binding);
    if (refusal === null && opening !== null) notePlace(this.ctx.storage, binding.userSid, opening, now);
    return refusal;
  }

  /** Delivers the notices still due (user-sockets.ts): the backstop and the retries. */
  override async alarm(): Promise<void> {
    await this.notices.deliver();
  }

  /** Password sign-in, rate-limited per (email, client) and per client (see login-limits.ts). */
  checkPassword(email: string, password: string, clientKey: string, now: number = Date.now()): Promise<SignIn> {
    return signIn(this.ctx.storage, email, password, clientKey, now);
  }

  /** The first admin, from the environment, when the account has none (never overwrites one). */
  bootstrapAdmin(email: string, password: string): Promise<UserRecord | null> {
    return bootstrapAdmin(this.ctx.storage, email, password, Date.now());
  }

  // ── plugin registrations, per workspace (plugins.ts) ─────────────────────────────────────────────

  createPlugin(workspaceSid: string, input: PluginInput): ApiResult<PluginRecord> {
    return createPlugin(this.ctx.storage, workspaceSid, input, Date.now());
  }

  listPlugins(workspaceSid: string, page: PageRequest): ApiResult<Page<PluginRecord>> {
    return listPlugins(this.ctx.storage, workspaceSid, page);
  }

  getPlugin(workspaceSid: string, sid: string): ApiResult<PluginRecord> {
    return getPlugin(this.ctx.storage, workspaceSid, sid);
  }

  updatePlugin(workspaceSid: string, sid: string, input: PluginInput): ApiResult<PluginRecord> {
    return updatePlugin(this.ctx.storage, workspaceSid, sid, input, Date.now());
  }

  deletePlugin(workspaceSid: string, sid: string): ApiResult<null> {
    return deletePlugin(this.ctx.storage, workspaceSid, sid);
  }

  // ── agent desktop settings, per workspace (desktop-settings.ts) ────────────────────────────────────

  getDesktopSettings(workspaceSid: string): DesktopSettingsRecord {
    return getDesktopSettings(this.ctx.storage, workspaceSid);
  }

  putDesktopSettings(workspaceSid: string, input: DesktopSettingsInput): ApiResult<DesktopSettingsRecord> {
    return putDesktopSettings(this.ctx.storage, workspaceSid, input, Date.now());
  }

  /** Where the desktop may load plugins from and frame CRMs, across the account: its document's CSP (workers/desktop/page.ts). */
  desktopSources(): { plugins: string[]; crm: string[] } {
    return { plugins: pluginOrigins(this.ctx.storage), crm: crmOrigins(this.ctx.storage) };
  }
}
