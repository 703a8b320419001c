/** The presence grace period over HTTP: read, changed within bounds, scoped to the caller's account. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const call = (path: string, init: RequestInit = {}) => app.request(path, init, env);

describe("/api/workspaces/:WorkspaceSid/realtime-settings", () => {
  it("reads the 60 s default, changes it, and refuses bad values", async () => {
    const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=live" });
    const { sid } = (await created.json()) as { sid: string };
    const path = `/api/workspaces/${sid}/realtime-settings`;
    expect(await (await call(path, { headers: AUTH })).json()).toEqual({ presence_grace_seconds: 60 });

    const changed = await call(path, { method: "POST", headers: FORM, body: "PresenceGraceSeconds=120" });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ presence_grace_seconds: 120 });

    for (const body of ["PresenceGraceSeconds=0", "PresenceGraceSeconds=86401", "PresenceGraceSeconds=soon", ""]) {
      const bad = await call(path, { method: "POST", headers: FORM, body });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toContain("PresenceGraceSeconds");
    }
    expect(await (await call(path, { headers: AUTH })).json()).toEqual({ presence_grace_seconds: 120 });
  });

  it("needs credentials and answers 404 for a workspace that is not the caller's", async () => {
    expect((await call(`/api/workspaces/WS${"1".repeat(32)}/realtime-settings`)).status).toBe(401);
    expect((await call(`/api/workspaces/WS${"1".repeat(32)}/realtime-settings`, { headers: AUTH })).status).toBe(404);
    expect((await call(`/api/workspaces/nonsense/realtime-settings`, { headers: AUTH })).status).toBe(404);
  });
});
