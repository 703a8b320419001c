/**
 * The Worker's bindings, as declared in wrangler.toml. Every Worker module and Durable Object takes
 * this `Env`; it is also merged into `Cloudflare.Env` so `env` from `cloudflare:workers` (and from
 * `cloudflare:test` in tests) is typed the same way.
 */
import type { AccountDO } from "../durable-objects/account/account-do";
import type { ConversationDO } from "../durable-objects/conversation/conversation-do";
import type { DirectoryDO } from "../durable-objects/directory/directory-do";
import type { RouterDO } from "../durable-objects/router/router-do";
import type { WorkspaceDO } from "../durable-objects/workspace/workspace-do";

export interface Env {
  /** One WorkspaceDO per workspace: configuration of record. */
  readonly WORKSPACE: DurableObjectNamespace<WorkspaceDO>;
  /** One RouterDO per workspace × region: tasks, workers, reservations. */
  readonly ROUTER: DurableObjectNamespace<RouterDO>;
  /** One ConversationDO per conversation: participants and messages. */
  readonly CONVERSATION: DurableObjectNamespace<ConversationDO>;
  /** One DirectoryDO per workspace: its conversations' index, open conversation per customer address, customer profiles. */
  readonly DIRECTORY: DurableObjectNamespace<DirectoryDO>;
  /** One AccountDO per account: the directory of its workspaces and its API keys. */
  readonly ACCOUNT: DurableObjectNamespace<AccountDO>;
  /** Cross-workspace reporting data (D1 migrations in ./migrations). */
  readonly DB: D1Database;
  /** Call and video recordings. */
  readonly RECORDINGS: R2Bucket;
  /** Events for webhooks and reporting; consumed by this Worker's `queue()` handler. */
  readonly EVENTS: Queue;
  /** The static files in web/public. */
  readonly ASSETS: Fetcher;
  /** Account credentials (HTTP Basic): `.dev.vars` locally, `wrangler secret put` in production. */
  readonly ACCOUNT_SID?: string;
  readonly AUTH_TOKEN?: string;
  /** The first admin's sign-in, used only while the account has no admin (see durable-objects/account/sign-in.ts). */
  readonly ADMIN_EMAIL?: string;
  readonly ADMIN_PASSWORD?: string;
}

type SwitchboardEnv = Env;

// Cloudflare's types are declared as a global namespace; augmenting it is the documented way to type
// `env` in tests and `cloudflare:workers`, so the namespace and the empty extension are intended.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Env extends SwitchboardEnv {}
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "WorkspaceDO" | "RouterDO" | "ConversationDO" | "AccountDO" | "DirectoryDO";
    }
  }
}
