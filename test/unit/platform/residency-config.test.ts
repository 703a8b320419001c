// wrangler.toml binds, for every jurisdiction regions.json offers, the R2 bucket and the D1 database a
// workspace pinned there writes to (platform/stores.ts), the bucket declared inside that jurisdiction (a
// D1 database gets its jurisdiction from `wrangler d1 create --jurisdiction`, README) — so adding
// a region of a new jurisdiction without its storage fails here, not in production on a pinned
// workspace's first attachment. Read with wrangler's own parser.
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { JURISDICTION_BINDINGS, offeredJurisdictions } from "../../../platform/jurisdictions";

interface Bound {
  binding: string;
  jurisdiction?: string;
}
const config = unstable_readConfig({ config: "wrangler.toml" }) as {
  r2_buckets: (Bound & { bucket_name?: string })[];
  d1_databases: (Bound & { database_id?: string; database_name?: string; migrations_dir?: string })[];
};

describe.each(offeredJurisdictions())("the %s jurisdiction's storage", (jurisdiction) => {
  const { bucket, database } = JURISDICTION_BINDINGS[jurisdiction];

  it(`${bucket} is an R2 bucket in ${jurisdiction}, apart from the global one`, () => {
    const bound = config.r2_buckets.find((b) => b.binding === bucket);
    const global = config.r2_buckets.find((b) => b.binding === "RECORDINGS");
    expect(bound).toMatchObject({ jurisdiction });
    expect(bound?.bucket_name).not.toBe(global?.bucket_name);
  });

  it(`${database} is a D1 database of its own with the global one's migrations`, () => {
    const bound = config.d1_databases.find((d) => d.binding === database);
    const global = config.d1_databases.find((d) => d.binding === "DB");
    expect(bound).toMatchObject({ migrations_dir: global?.migrations_dir });
    expect(bound?.database_id).not.toBe(global?.database_id);
    expect(bound?.database_name).not.toBe(global?.database_name);
  });
});

it("the global bucket and database are in no jurisdiction (unpinned workspaces keep today's placement)", () => {
  expect(config.r2_buckets.find((b) => b.binding === "RECORDINGS")).not.toHaveProperty("jurisdiction");
  expect(config.d1_databases.find((d) => d.binding === "DB")).not.toHaveProperty("jurisdiction");
});
