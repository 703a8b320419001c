/**
 * The control of data-residency.test.ts: the same flow through a workspace pinned nowhere is recorded
 * using the unrestricted namespaces, the deployment's default region and the global bucket — so the
 * recorder sees a use outside a jurisdiction when there is one, and the EU test's record means something.
 */
import { env } from "cloudflare:workers";
import { afterAll, expect, it } from "vitest";
import { distinct, ownUses, recordBindings, teamFlow } from "./residency-helpers";

const recording = recordBindings();
afterAll(() => recording.stop());

it("an unpinned workspace's flow uses the defaults: no jurisdiction, us-east, RECORDINGS", async () => {
  const { workspaceSid: ws, conversationSid: ch, mediaSid } = await teamFlow(null);
  const uses = [...recording.uses];
  recording.stop();

  expect(distinct(ownUses(uses, ws).filter((u) => u.kind === "object"))).toEqual(
    [
      `object ACCOUNT ${env.ACCOUNT_SID}`,
      `object CONVERSATION ${ch}`,
      `object DIRECTORY ${ws}`,
      `object ROUTER ${ws}:us-east`,
      `object WORKSPACE ${ws}`,
    ].sort(),
  );
  expect(distinct(uses.filter((u) => u.kind === "bucket"))).toEqual(
    [
      `bucket RECORDINGS get:media/${ws}/${mediaSid}`,
      `bucket RECORDINGS head:media/${ws}/${mediaSid}`,
      `bucket RECORDINGS put:media/${ws}/${mediaSid}`,
    ].sort(),
  );
  expect(await env.RECORDINGS_EU.head(`media/${ws}/${mediaSid}`)).toBeNull();
});
