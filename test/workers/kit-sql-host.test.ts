// The SQL host's shared suite (test/unit/kit/sql-host.case.ts) on a real Durable Object's storage: a
// DirectoryDO of a new workspace each time. Its schema has the kit's timers table (recordings' retention),
// empty in a new workspace: dropped first, so the suite makes the kit's tables afresh as on node:sqlite.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { newSid } from "../../contract/ids";
import { directoryFor } from "../../platform/objects";
import { runSqlHostCases } from "../unit/kit/sql-host.case";

runSqlHostCases("Durable Object storage", (fn) =>
  runInDurableObject(directoryFor(env, newSid("WS")), async (_instance, state) => {
    state.storage.sql.exec("DROP TABLE IF EXISTS sb_timers; DROP TABLE IF EXISTS sb_outbox");
    await fn(state.storage);
  }),
);
