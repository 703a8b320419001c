/**
 * A worker's region from their agent's first sign-in (workers/api/taskrouter/placement.ts,
 * `settleOnSignIn`): a worker created without `Region` is in the home region (us-east) by default; the
 * first sign-in of the agent linked to them, from an edge in Sydney, moves them to ap-sydney; a later
 * sign-in from Dublin changes nothing; a worker created or updated with an explicit `Region` is never
 * moved by a sign-in; a sign-in whose move cannot be made (a busy worker) still succeeds. The edge is the
 * request's `cf`, given here as Cloudflare would set it (as in placement.test.ts).
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestGeo } from "../../platform/regions";
import { makeUser } from "./auth-helpers";
import { ok, regionsHoldingWorker } from "./regions-helpers";

const SYDNEY: RequestGeo = { latitude: "-33.86880", longitude: "151.20930", country: "AU", continent: "OC" };
const DUBLIN: RequestGeo = { latitude: "53.34980", longitude: "-6.26030", country: "IE", continent: "EU" };
const ALL = ["us-east", "eu-ireland", "ap-sydney"];
const PASSWORD = "agent-password-1";
let ws: string;
let available: string;
let clients = 0;
const api = (path: string) => `/Workspaces/${ws}${path}`;

beforeAll(async () => {
  ws = (await ok("POST", "/Workspaces", { FriendlyName: "Sign-in regions", Template: "FIFO" })).sid;
  available = ((await ok("GET", api("/Activities"), { FriendlyName: "Available" })).activities as { sid: string }[])[0]!.sid;
});

/** An agent user linked to `workerSid`. */
async function agentOf(workerSid: string): Promise<string> {
  const email = `agent-${crypto.randomUUID()}@regions.test`;
  await makeUser({ Email: email, Role: "agent", WorkspaceSid: ws, WorkerSid: workerSid, Password: PASSWORD });
  return email;
}

/** A password sign-in from `cf`'s edge (a client of its own, so no rate limit is shared): its status. */
async function signInFrom(email: string, cf: RequestGeo): Promise<number> {
  const init: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://sb.test", "cf-connecting-ip": `10.9.0.${++clients}` },
    body: JSON.stringify({ email, password: PASSWORD }),
  };
  const res = await exports.default.fetch(new Request("http://sb.test/api/auth/login", { ...init, cf } as RequestInit));
  await res.text();
  return res.status;
}

describe("an agent's first sign-in", () => {
  it("moves a worker in the home region by default to the region nearest it, and only the first sign-in decides", async () => {
    const sid = (await ok("POST", api("/Workers"), { FriendlyName: "Matilda", ActivitySid: available })).sid;
    const email = await agentOf(sid);
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["us-east"]);

    expect(await signInFrom(email, SYDNEY)).toBe(200);
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["ap-sydney"]);
    expect(await ok("GET", api(`/Workers/${sid}`))).toMatchObject({ sid, friendly_name: "Matilda", activity_sid: available });
    // A task created in ap-sydney rings them there.
    const task = (await ok("POST", api("/Tasks"), { Attributes: "{}", Region: "ap-sydney" })).sid;
    const reservations = (await ok("GET", api(`/Tasks/${task}/Reservations`))).reservations as { worker_sid: string }[];
    expect(reservations.map((r) => r.worker_sid)).toEqual([sid]);
    await ok("POST", api(`/Tasks/${task}`), { AssignmentStatus: "canceled", Reason: "test" });

    expect(await signInFrom(email, DUBLIN)).toBe(200);
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["ap-sydney"]);
  });

  it("never moves a worker created with an explicit Region, nor one given a Region since", async () => {
    const created = (await ok("POST", api("/Workers"), { FriendlyName: "Uma", Region: "us-east" })).sid;
    const updated = (await ok("POST", api("/Workers"), { FriendlyName: "Siobhan" })).sid;
    await ok("POST", api(`/Workers/${updated}`), { Region: "eu-ireland" });
    for (const [sid, region] of [
      [created, "us-east"],
      [updated, "eu-ireland"],
    ] as const) {
      expect(await signInFrom(await agentOf(sid), SYDNEY)).toBe(200);
      expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual([region]);
    }
  });

  it("succeeds when the worker cannot move (they hold a reservation), and leaves them where they are", async () => {
    const sid = (await ok("POST", api("/Workers"), { FriendlyName: "Busy Bob", ActivitySid: available })).sid;
    const task = (await ok("POST", api("/Tasks"), { Attributes: "{}" })).sid;
    const reserved = (await ok("GET", api(`/Tasks/${task}/Reservations`))).reservations as { worker_sid: string }[];
    expect(reserved.map((r) => r.worker_sid)).toEqual([sid]);

    expect(await signInFrom(await agentOf(sid), SYDNEY)).toBe(200);
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["us-east"]);
    await ok("POST", api(`/Tasks/${task}`), { AssignmentStatus: "canceled", Reason: "test" });
  });
});
