/**
 * DirectoryDO: one per workspace (`directoryFor(env, workspaceSid)`). A thin shell around the
 * Directory (directory.ts), which owns the index of the workspace's conversations, the open
 * conversation of each customer address, email threads and customer profiles — and, the workspace being
 * one chat service, its Conversations users, who is in which conversation and its webhook configuration.
 * It migrates its storage on start-up and forwards each RPC to one synchronous, transactional
 * operation: its RPC methods are the Directory's own, named once in OPERATIONS.
 *
 * RPC methods take the caller's account SID first (the first caller binds the object; any other
 * account is answered 404) and return `ApiResult`s: client errors are values, because RPC keeps only
 * an error's message.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import { applyMigrations } from "../kit/migrations";
import type { PingReply } from "../common/ping";
import { Directory } from "./directory";
import { DIRECTORY_MIGRATIONS } from "./schema";

export type { ListFilter, MembershipQuery, ProfileInput, ProfileQuery, WebhookScope } from "./directory";

/** The Directory's operations, in its order: each is an RPC method of the DirectoryDO that calls it. */
const OPERATIONS = [
  ...["resolveInbound", "findOpen", "findLatest", "upsert", "remove", "list", "byUniqueName", "recordThread", "noteWorker"],
  ...["createProfile", "getProfile", "updateProfile", "deleteProfile", "listProfiles", "profileConversations", "findProfile"],
  ...["createUser", "getUser", "updateUser", "deleteUser", "listUsers", "memberships"],
  ...["webhookConfig", "setWebhookConfig", "webhookConfigs"],
] as const satisfies readonly (keyof Directory)[];

class DirectoryShell extends DurableObject<Env> {
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

  // Methods on the prototype, as RPC requires, each passing its arguments on as they are.
  static {
    for (const name of OPERATIONS) {
      Object.defineProperty(this.prototype, name, {
        value(this: DirectoryShell, ...args: unknown[]): unknown {
          return (this.directory[name] as (...args: unknown[]) => unknown).apply(this.directory, args);
        },
      });
    }
  }
}

export type DirectoryDO = DirectoryShell & Pick<Directory, (typeof OPERATIONS)[number]>;
export const DirectoryDO = DirectoryShell as new (ctx: DurableObjectState, env: Env) => DirectoryDO;
