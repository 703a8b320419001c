/**
 * The Worker's cache of channel configurations (workers/inbound/channel-cache.ts): an inbound message
 * costs no WorkspaceDO call while the copy is younger than 5 s; after that only the channel's version
 * is asked, and the configuration read again only when it moved — so a changed secret refuses old
 * signatures at most 5 s later. Through the API the change is seen at once; a secret changed
 * elsewhere (another isolate) never refuses the provider's new signatures, which are checked once more
 * against a fresh read.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../channels/channel-config";
import { webhookPath } from "../../channels/channel-config";
import { signedForm } from "../support/twilio-forms";
import type { Env } from "../../platform/env";
import { fail, ok } from "../../durable-objects/common/rpc";
import { app } from "../../workers/app";
import { CHANNEL_CACHE_MS, channelConfig, forgetChannel } from "../../workers/inbound/channel-cache";
import { workspaceFor } from "../../platform/objects";

const ACCOUNT = env.ACCOUNT_SID!;

/** A WorkspaceDO double that counts what it is asked. */
function workspaceDouble() {
  const channel = { version: 1, secret: "one", exists: true };
  const asked = { configs: 0, versions: 0 };
  const stub = {
    channelConfig: async () => {
      asked.configs++;
      if (!channel.exists) return fail(404, 20404, "no such channel");
      return ok({ sid: "XC1", version: channel.version, secrets: { auth_token: channel.secret } } as unknown as ChannelConfig);
    },
    channelVersion: async () => {
      asked.versions++;
      return channel.exists ? ok(channel.version) : fail(404, 20404, "no such channel");
    },
  };
  const fakeEnv = { WORKSPACE: { getByName: () => stub } } as unknown as Pick<Env, "WORKSPACE">;
  const read = async (now: number, fresh = false) => {
    const result = await channelConfig(fakeEnv, ACCOUNT, "WS1", "XC1", now, fresh);
    return result.ok ? { secret: result.value.config.secrets.auth_token, cached: result.value.cached } : null;
  };
  return { channel, asked, read };
}

describe("the channel configuration cache", () => {
  it("reads once, answers from the copy for 5 s, then asks only the version while it has not moved", async () => {
    forgetChannel(ACCOUNT, "WS1", "XC1");
    const { asked, read } = workspaceDouble();
    expect(await read(0)).toEqual({ secret: "one", cached: false });
    expect(await read(CHANNEL_CACHE_MS - 1)).toEqual({ secret: "one", cached: true });
    expect(asked).toEqual({ configs: 1, versions: 0 });
    expect(await read(CHANNEL_CACHE_MS)).toEqual({ secret: "one", cached: true }); // version 1 still: checked again from now
    expect(asked).toEqual({ configs: 1, versions: 1 });
    expect(await read(2 * CHANNEL_CACHE_MS - 1)).toEqual({ secret: "one", cached: true });
    expect(asked).toEqual({ configs: 1, versions: 1 });
  });

  it("takes a changed secret at most 5 s after the copy was checked", async () => {
    forgetChannel(ACCOUNT, "WS1", "XC1");
    const { channel, asked, read } = workspaceDouble();
    await read(0);
    Object.assign(channel, { version: 2, secret: "two" });
    expect((await read(CHANNEL_CACHE_MS - 1))?.secret).toBe("one"); // within the bound
    expect(await read(CHANNEL_CACHE_MS)).toEqual({ secret: "two", cached: false }); // the version moved: read again
    expect(asked).toEqual({ configs: 2, versions: 1 });
  });

  it("forgets a deleted channel at the bound, and never keeps a refusal", async () => {
    forgetChannel(ACCOUNT, "WS1", "XC1");
    const { channel, read } = workspaceDouble();
    await read(0);
    channel.exists = false;
    expect(await read(CHANNEL_CACHE_MS)).toBeNull();
    channel.exists = true;
    expect(await read(CHANNEL_CACHE_MS + 1)).toEqual({ secret: "one", cached: false });
  });

  it("reads again when asked for a fresh copy, or once the copy is forgotten", async () => {
    forgetChannel(ACCOUNT, "WS1", "XC1");
    const { asked, read } = workspaceDouble();
    await read(0);
    expect((await read(1, true))?.cached).toBe(false);
    forgetChannel(ACCOUNT, "WS1", "XC1");
    expect((await read(2))?.cached).toBe(false);
    expect(asked.configs).toBe(3);
  });
});

describe("a Twilio webhook after its channel's secret changed", () => {
  const ORIGIN = "https://sb.example";
  const FORM = { authorization: "Basic " + btoa(`${ACCOUNT}:${env.AUTH_TOKEN}`), "content-type": "application/x-www-form-urlencoded" };
  const call = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init, env);
  let ws = "";
  let channel = "";
  beforeAll(async () => {
    const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=cache&Template=FIFO" });
    ws = ((await created.json()) as { sid: string }).sid;
    const form = {
      Kind: "twilio",
      "Settings.twilio_account_sid": "AC" + "a".repeat(32),
      "Settings.phone_number": "+15552224444",
      "Secrets.auth_token": "first",
    };
    const response = await call(`/api/workspaces/${ws}/channels`, {
      method: "POST",
      headers: FORM,
      body: new URLSearchParams(form).toString(),
    });
    channel = ((await response.json()) as { sid: string }).sid;
  });
  const status = { MessageSid: "SM" + "0".repeat(32), AccountSid: "AC" + "a".repeat(32), MessageStatus: "delivered", To: "+15550009999" };
  const webhook = async (token: string) =>
    (await call(webhookPath(ws, channel), await signedForm(`${ORIGIN}${webhookPath(ws, channel)}`, status, token))).status;

  it("refuses the old secret at once when it changed through the API", async () => {
    expect(await webhook("first")).toBe(200); // cached now
    const body = new URLSearchParams({ "Secrets.auth_token": "second" }).toString();
    expect((await call(`/api/workspaces/${ws}/channels/${channel}`, { method: "POST", headers: FORM, body })).status).toBe(200);
    expect(await webhook("first")).toBe(403);
    expect(await webhook("second")).toBe(200);
  });

  it("accepts the new secret at once when it changed elsewhere (another isolate)", async () => {
    expect(await webhook("second")).toBe(200); // cached now
    const updated = await workspaceFor(env, ws).updateChannel(ACCOUNT, channel, { secrets: { auth_token: "third" } });
    expect(updated.ok).toBe(true);
    expect(await webhook("third")).toBe(200); // the cached copy refused it: verified again against a fresh read
    expect(await webhook("second")).toBe(403); // and the fresh copy is the one kept
  });
});
