// The SQL host's shared suite (test/unit/kit/sql-host.case.ts) on a real Durable Object's storage: a
// DirectoryDO of a new workspace each time, whose schema has neither the timers nor the outbox table.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { newSid } from "../../contract/ids";
import { directoryFor } from "../../platform/objects";
import { runSqlHostCases } from "../unit/kit/sql-host.case";

runSqlHostCases("Durable Object storage", (fn) =>
  runInDurableObject(directoryFor(env, newSid("WS")), async (_instance, state) => {
    await fn(state.storage);
  }),
);
