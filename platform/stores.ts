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

/** The binding `sid`'s jurisdiction names, or `global` for an unpinned SID; never the global one for a pinned SID. */
function pick<T>(env: object, sid: string, kind: "bucket" | "database", global: T): T {
  const jurisdiction = jurisdictionOf(sid);
  if (jurisdiction === null) return global;
  const binding = JURISDICTION_BINDINGS[jurisdiction][kind];
  const bound = (env as Record<string, T | undefined>)[binding];
  if (!bound) throw new Error(`${sid} is pinned to "${jurisdiction}", but no ${kind} is bound as ${binding} (wrangler.toml)`);
  return bound;
}

/**
 * The R2 bucket holding the attachments and recordings of the workspace (or conversation) `sid`.
 * @example await recordingsFor(env, workspaceSid).put(mediaKey(workspaceSid, sid), bytes)
 */
export const recordingsFor = (env: Buckets, sid: string): R2Bucket => pick(env, sid, "bucket", env.RECORDINGS);

/**
 * The D1 database for the reporting rows of the workspace (or conversation) `sid`.
 * @example await reportingFor(env, workspaceSid).prepare("INSERT INTO …").bind(…).run()
 */
export const reportingFor = (env: Databases, sid: string): D1Database => pick(env, sid, "database", env.DB);
