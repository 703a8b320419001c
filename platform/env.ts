/**
 * The Worker's bindings, as declared in wrangler.toml, written out by hand: every Worker module and
 * Durable Object takes this `Env`. It is also merged into `Cloudflare.Env`, so `env` from
 * `cloudflare:workers` (and from `cloudflare:test` in tests) is typed the same way.
 *
 * The platform layer imports no layer above it, so the Durable Object classes are not imported here:
 * the Worker's entry (workers/index.ts), which exports them for wrangler.toml's bindings, names them in
 * {@link DurableObjectClasses} (a module augmentation, as `Cloudflare.Env` itself is one).
 */

/** The Durable Object classes by name (workers/index.ts fills it in). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DurableObjectClasses {}

type Namespace<K extends string> = DurableObjectNamespace<K extends keyof DurableObjectClasses ? DurableObjectClasses[K] : undefined>;

export interface Env {
  /** One WorkspaceDO per workspace: configuration of record. */
  readonly WORKSPACE: Namespace<"WorkspaceDO">;
  /** One RouterDO per workspace × region: tasks, workers, reservations. */
  readonly ROUTER: Namespace<"RouterDO">;
  /** One ConversationDO per conversation: participants and messages. */
  readonly CONVERSATION: Namespace<"ConversationDO">;
  /** One DirectoryDO per workspace: its conversations' index, open conversation per customer address, customer profiles. */
  readonly DIRECTORY: Namespace<"DirectoryDO">;
  /** One FlowDO per Studio flow execution: its state, steps, waits and effects (issue 16). */
  readonly FLOW: Namespace<"FlowDO">;
  /** One AccountDO per account: the directory of its workspaces and its API keys. */
  readonly ACCOUNT: Namespace<"AccountDO">;
  /** Cross-workspace reporting data (D1 migrations in ./migrations); pinned workspaces' in DB_<J> (platform/stores.ts). */
  readonly DB: D1Database;
  /** Reporting data of workspaces pinned to the EU: a database created inside the `eu` jurisdiction, same migrations. */
  readonly DB_EU: D1Database;
  /** The same for FedRAMP, bound only by a deployment with a `fedramp` region. */
  readonly DB_FEDRAMP?: D1Database;
  /** Attachments, call and video recordings; pinned workspaces' in RECORDINGS_<J> (platform/stores.ts). */
  readonly RECORDINGS: R2Bucket;
  /** Attachments and recordings of workspaces pinned to the EU: a bucket in the `eu` jurisdiction. */
  readonly RECORDINGS_EU: R2Bucket;
  /** The same for FedRAMP, bound only by a deployment with a `fedramp` region. */
  readonly RECORDINGS_FEDRAMP?: R2Bucket;
  /** Events for webhooks and reporting (platform/events.ts); consumed by this Worker's `queue()` handler. */
  readonly EVENTS: Queue;
  /** The static files in web/public. */
  readonly ASSETS: Fetcher;
  /** Account credentials (HTTP Basic): `.dev.vars` locally, `wrangler secret put` in production. */
  readonly ACCOUNT_SID?: string;
  readonly AUTH_TOKEN?: string;
  /** The first admin's sign-in, used only while the account has no admin (see durable-objects/account/sign-in.ts). */
  readonly ADMIN_EMAIL?: string;
  readonly ADMIN_PASSWORD?: string;
  /** Regions marked down by the operator (ids separated by commas): their new tasks go to their partners (platform/failover.ts). */
  readonly REGIONS_DOWN?: string;
  /** Seconds a region's Router calls must fail, without a success, before its new tasks go to its partner (default 30). */
  readonly FAILOVER_AFTER_SECONDS?: string;
  /**
   * LiveKit, for calls and video (platform/livekit.ts): one server for every region, overriding
   * regions.json's `livekitUrl` (`npm start` and the tests set it to their local server).
   */
  readonly LIVEKIT_URL?: string;
  /** The API key and secret Switchboard signs LiveKit tokens and API calls with (secrets; per region: `LIVEKIT_API_KEY_<REGION>`). Without them calls are off. */
  readonly LIVEKIT_API_KEY?: string;
  readonly LIVEKIT_API_SECRET?: string;
  /**
   * The media service (services/media/: hold music and announcements; platform/media-service.ts): its URL
   * (`npm start` and the tests pass their local one) and the shared secret it expects (a secret). Unset:
   * calls work without hold music.
   */
  readonly MEDIA_SERVICE_URL?: string;
  readonly MEDIA_SERVICE_SECRET?: string;
  /**
   * Call recording (platform/egress.ts): the S3 endpoint LiveKit's egress uploads to — the Worker's own
   * `https://<host>/api/s3` (workers/recordings/s3-upload.ts) — the bucket name its requests carry, and
   * the key pair they are signed with (secrets the operator makes up). Without them recording is off.
   */
  readonly RECORDING_S3_ENDPOINT?: string;
  readonly RECORDING_S3_BUCKET?: string;
  readonly RECORDING_S3_ACCESS_KEY_ID?: string;
  readonly RECORDING_S3_SECRET_ACCESS_KEY?: string;
  /** Where egress's API is when it is not the region's LiveKit server (a separate egress deployment; the tests' double). */
  readonly LIVEKIT_EGRESS_URL?: string;
}

type SwitchboardEnv = Env;

// Cloudflare's types are declared as a global namespace; augmenting it is the documented way to type
// `env` in tests and `cloudflare:workers`, so the namespace and the empty extension are intended.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Env extends SwitchboardEnv {}
  }
}
