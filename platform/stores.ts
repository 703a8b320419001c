/**
 * Where a workspace's bytes go: the one place that picks its R2 bucket (attachments, recordings) and its
 * reporting database (D1). An unpinned workspace uses `RECORDINGS` and `DB`; one pinned to a
 * jurisdiction uses that jurisdiction's bucket and database (platform/jurisdictions.ts names the
 * bindings), read from the workspace's or a conversation's SID, which carry the jurisdiction. Nothing
 * else touches those bindings (ESLint refuses it), so no byte of a pinned workspace can land in the
 * global bucket by a path that forgot to ask; a missing binding is an error, never a fallback to it.
 */
import type { Env } from "./env";
import { JURISDICTION_BINDINGS, jurisdictionOf } from "./jurisdictions";

/** The bucket bindings, for a function that passes them on. */
export type Buckets = Pick<Env, "RECORDINGS" | "RECORDINGS_EU" | "RECORDINGS_FEDRAMP">;
type Databases = Pick<Env, "DB" | "DB_EU" | "DB_FEDRAMP">;

/**
 * The R2 bucket holding the attachments and recordings of the workspace (or conversation) `sid`.
 * @example await recordingsFor(env, workspaceSid).put(mediaKey(workspaceSid, sid), bytes)
 */
export function recordingsFor(env: Buckets, sid: string): R2Bucket {
  const jurisdiction = jurisdictionOf(sid);
  if (jurisdiction === null) return env.RECORDINGS;
  const binding = JURISDICTION_BINDINGS[jurisdiction].bucket;
  const bucket = env[binding];
  if (!bucket) throw new Error(`${sid} is pinned to "${jurisdiction}", but no R2 bucket is bound as ${binding} (wrangler.toml)`);
  return bucket;
}

/**
 * The D1 database for the reporting rows of the workspace (or conversation) `sid`.
 * @example await reportingFor(env, workspaceSid).prepare("INSERT INTO …").bind(…).run()
 */
export function reportingFor(env: Databases, sid: string): D1Database {
  const jurisdiction = jurisdictionOf(sid);
  if (jurisdiction === null) return env.DB;
  const binding = JURISDICTION_BINDINGS[jurisdiction].database;
  const database = env[binding];
  if (!database) throw new Error(`${sid} is pinned to "${jurisdiction}", but no D1 database is bound as ${binding} (wrangler.toml)`);
  return database;
}
