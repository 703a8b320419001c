/**
 * The proof that a workspace pinned to the EU keeps every object and byte there. Local workerd has no
 * jurisdictions, so the bindings are instrumented instead (residency-helpers.ts says how, and why that
 * and not a wrapped Env: the Durable Objects' own calls count as much as the Worker's) and a real flow
 * runs through a pinned workspace — created with Jurisdiction=eu, a web chat channel configured, an
 * agent added, who connects to the live channel with a token; a customer's message with an attachment
 * creates the conversation and the task, the agent's socket rings, they accept on it, join, read the
 * messages and open the attachment. Every Durable Object it touched is asserted by name with the
 * jurisdiction it was addressed in — only the AccountDO, global by design (README, "Data residency"), is
 * outside — and every bucket key went to RECORDINGS_EU. The same flow for an unpinned workspace
 * (data-residency-control.test.ts) is recorded using the defaults, so this record is able to show a use
 * outside the jurisdiction. Each flow has its file: a file is one isolate with
 * its own queue, so the other flow's background work cannot land in this record.
 */
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { applyD1Migrations } from "cloudflare:test";
import { conversationFor, routerFor } from "../../platform/objects";
import { newSid } from "../../contract/ids";
import { jurisdictionOf } from "../../platform/jurisdictions";
import { recordingsFor, reportingFor } from "../../platform/stores";
import { distinct, ownUses, recordBindings, teamFlow, type Flow } from "./residency-helpers";

const recording = recordBindings();
afterAll(() => recording.stop());

describe("a workspace pinned to the EU", () => {
  let flow: Flow;

  it("runs a customer's message with an attachment to an agent with every object inside the EU, the AccountDO aside", async () => {
    flow = await teamFlow("eu");
    const { workspaceSid: ws, conversationSid: ch, mediaSid } = flow;
    expect([jurisdictionOf(ws), jurisdictionOf(ch)]).toEqual(["eu", "eu"]);
    const uses = [...recording.uses];
    recording.stop();

    expect(distinct(ownUses(uses, ws).filter((u) => u.kind === "object"))).toEqual(
      [
        `object ACCOUNT ${env.ACCOUNT_SID}`, // global: the account's directory of workspaces, its users
        `object CONVERSATION in eu ${ch}`,
        `object DIRECTORY in eu ${ws}`,
        `object ROUTER in eu ${ws}:eu-frankfurt`, // the first region of regions.json in the EU
        `object WORKSPACE in eu ${ws}`,
      ].sort(),
    );
    expect(distinct(uses.filter((u) => u.kind === "bucket"))).toEqual(
      [
        `bucket RECORDINGS_EU head:media/${ws}/${mediaSid}`, // attached to the message
        `bucket RECORDINGS_EU put:media/${ws}/${mediaSid}`, // the customer's upload
        `bucket RECORDINGS_EU get:media/${ws}/${mediaSid}`, // the agent opens it
      ].sort(),
    );
    expect(uses.filter((u) => u.kind === "database" && u.binding !== "DB_EU")).toEqual([]);
  });

  it("the attachment's bytes are in the EU bucket and nowhere in the global one", async () => {
    const key = `media/${flow.workspaceSid}/${flow.mediaSid}`;
    expect(await env.RECORDINGS_EU.head(key)).not.toBeNull();
    expect(await env.RECORDINGS.head(key)).toBeNull();
    expect((await env.RECORDINGS.list({ prefix: `media/${flow.workspaceSid}/` })).objects).toEqual([]);
  });

  it("reporting rows go to DB_EU, a database with the same migrations", async () => {
    expect(reportingFor(env, flow.workspaceSid)).toBe(env.DB_EU);
    expect(reportingFor(env, flow.conversationSid)).toBe(env.DB_EU);
    expect(recordingsFor(env, flow.conversationSid)).toBe(env.RECORDINGS_EU);
    await applyD1Migrations(env.DB_EU, env.TEST_MIGRATIONS);
    const schema = await reportingFor(env, flow.workspaceSid).prepare("SELECT value FROM sb_meta WHERE key = ?").bind("schema").first();
    expect(schema).toEqual({ value: "switchboard-d1/1" });
  });

  it("a jurisdiction without its bucket or database bound is an error, never the global one", () => {
    const ws = flow.workspaceSid;
    const unbound = { RECORDINGS: env.RECORDINGS, DB: env.DB } as unknown as typeof env; // a deployment that forgot the EU bindings
    expect(() => recordingsFor(unbound, ws)).toThrow(`${ws} is pinned to "eu", but no bucket is bound as RECORDINGS_EU (wrangler.toml)`);
    expect(() => reportingFor(unbound, ws)).toThrow(`${ws} is pinned to "eu", but no database is bound as DB_EU (wrangler.toml)`);
  });

  it("its routers are addressed only in EU regions: another region is refused, not created", () => {
    expect(() => routerFor(env, flow.workspaceSid, "us-east")).toThrow(
      `Region us-east is outside the jurisdiction of workspace ${flow.workspaceSid}`,
    );
    expect(() => routerFor(env, flow.workspaceSid, "eu-ireland")).toThrow(/outside the jurisdiction/); // in Europe, not in the EU jurisdiction
  });

  it("a conversation SID outside the workspace's jurisdiction is refused before anything is stored", async () => {
    const stray = newSid("CH"); // a SID naming no region: no jurisdiction
    const created = await conversationFor(env, stray).create(env.ACCOUNT_SID!, { workspaceSid: flow.workspaceSid });
    expect(created).toMatchObject({ ok: false, status: 500 });
    expect(created.ok ? "" : created.message).toBe(
      `Conversation ${stray} is not in the jurisdiction of workspace ${flow.workspaceSid}; it was not created`,
    );
    expect((await conversationFor(env, stray).getConversation(env.ACCOUNT_SID!)).ok).toBe(false);
  });
});
