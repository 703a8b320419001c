/**
 * Call recordings over HTTP: egress's upload through the S3-compatible endpoint (SigV4, signed by a stock
 * client) into R2, the Recordings API (settings, list, fetch, a media link that expires, delete), bad
 * paths (wrong workspace, bad SIDs, tampered and expired links, bad signatures, other keys) and
 * retention's alarm deleting media as a DELETE would.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { AwsV4Signer } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { directoryFor } from "../../platform/objects";
import { recordingsFor } from "../../platform/stores";
import { newSid } from "../../contract/ids";
import { recordingMediaLink, RECORDING_LINK_TTL_MS } from "../../workers/api/recordings";
import type { RecordingRecord } from "../../contract/recordings";
import { redactCardNumbers } from "../../durable-objects/common/card-numbers";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const S3 = { accessKeyId: "AKIDTEST", secretAccessKey: "test-recordings-secret" };
const s3Env = {
  ...env,
  RECORDING_S3_ENDPOINT: "http://x/api/s3",
  RECORDING_S3_ACCESS_KEY_ID: S3.accessKeyId,
  RECORDING_S3_SECRET_ACCESS_KEY: S3.secretAccessKey,
};
const call = (path: string, init: RequestInit = {}) => app.request(`http://x${path}`, init, s3Env);
const AUDIO = new TextEncoder().encode("OggS\0\u0002 pretend two-channel opus audio");

async function workspace(): Promise<string> {
  const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=recordings" });
  return ((await created.json()) as { sid: string }).sid;
}

function ok<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** What egress would do: sign an S3 request as a stock client signs it, and send it to the endpoint. */
async function s3(method: string, path: string, body?: Uint8Array, credentials = S3) {
  const signer = new AwsV4Signer({
    url: `http://x/api/s3/switchboard-recordings/${path}`,
    method,
    body,
    service: "s3",
    region: "auto",
    ...credentials,
  });
  const signed = await signer.sign();
  return call(signed.url.pathname + signed.url.search, { method, headers: signed.headers, body });
}

/** A recorded call whose first part egress reported complete: the workspace, recording and part key. */
async function recordedCall() {
  const ws = await workspace();
  const directory = directoryFor(env, ws);
  ok(await directory.setRecordingSettings(env.ACCOUNT_SID!, { recordCalls: true }));
  const opened = ok(
    await directory.openRecording(env.ACCOUNT_SID!, { conversationSid: newSid("CH"), callSid: newSid("CA"), queueSid: null }),
  )!;
  const { sid } = opened.recording;
  const key = opened.start!.key;
  ok(await directory.recordingPartStarted(env.ACCOUNT_SID!, sid, 1, { egressId: "EG_test" }));
  const put = await s3("PUT", key, AUDIO);
  expect(put.status).toBe(200);
  ok(await directory.callRecordingEnded(env.ACCOUNT_SID!, opened.recording.call_sid));
  const base = { egressId: "EG_test", key, size: AUDIO.length, startedAt: null, endedAt: null, error: null };
  ok(await directory.applyEgressReport({ ...base, status: "complete", duration: 12 }));
  return { ws, sid, key, callSid: opened.recording.call_sid, conversationSid: opened.recording.conversation_sid };
}

describe("the S3-compatible upload endpoint", () => {
  it("writes a signed PutObject into the workspace's bucket", async () => {
    const { ws, key } = await recordedCall();
    const stored = await recordingsFor(env, ws).get(key);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(AUDIO);
  });

  it("takes a multipart upload (create, parts, complete), as an uploader does for long calls", async () => {
    const key = `recordings/${newSid("WS")}/${newSid("RE")}/1.ogg`;
    const created = await s3("POST", `${key}?uploads`);
    expect(created.status).toBe(200);
    const uploadId = /<UploadId>(.+)<\/UploadId>/.exec(await created.text())![1]!;
    const first = new Uint8Array(5 * 1024 * 1024).fill(1); // R2, like S3, wants parts of 5 MiB but the last
    const one = await s3("PUT", `${key}?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`, first);
    const two = await s3("PUT", `${key}?partNumber=2&uploadId=${encodeURIComponent(uploadId)}`, AUDIO);
    expect([one.status, two.status]).toEqual([200, 200]);
    const parts = [one, two].map((r, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${r.headers.get("etag")}</ETag></Part>`).join("");
    const done = await s3(
      "POST",
      `${key}?uploadId=${encodeURIComponent(uploadId)}`,
      new TextEncoder().encode(`<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`),
    );
    expect(done.status).toBe(200);
    const stored = await recordingsFor(env, key.split("/")[1]!).get(key);
    expect(stored!.size).toBe(first.length + AUDIO.length);
  });

  it("refuses a bad signature, another key, another bucket and a key that is not a recording part — writing nothing", async () => {
    const key = `recordings/${newSid("WS")}/${newSid("RE")}/1.ogg`;
    const badSecret = await s3("PUT", key, AUDIO, { ...S3, secretAccessKey: "guess" });
    expect(badSecret.status).toBe(403);
    expect(await badSecret.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect((await s3("PUT", key, AUDIO, { ...S3, accessKeyId: "AKIDOTHER" })).status).toBe(403);
    expect((await s3("PUT", `media/${newSid("WS")}/ME1`, AUDIO)).status).toBe(403);
    const otherBucket = new AwsV4Signer({
      url: `http://x/api/s3/another-bucket/${key}`,
      method: "PUT",
      body: AUDIO,
      service: "s3",
      region: "auto",
      ...S3,
    });
    const signed = await otherBucket.sign();
    expect((await call(signed.url.pathname, { method: "PUT", headers: signed.headers, body: AUDIO })).status).toBe(404);
    const unsigned = await call(`/api/s3/switchboard-recordings/${key}`, { method: "PUT", body: AUDIO });
    expect(unsigned.status).toBe(403);
    expect(await recordingsFor(env, key.split("/")[1]!).head(key)).toBeNull();
  });

  it("is off, saying why, when the deployment has no recording keys", async () => {
    const off = await app.request(`http://x/api/s3/switchboard-recordings/recordings/x`, { method: "PUT", body: AUDIO }, env);
    expect(off.status).toBe(503);
    expect(await off.text()).toContain("RECORDING_S3_ENDPOINT");
  });
});

describe("/api/workspaces/:WorkspaceSid/recordings", () => {
  it("settings: read, change (a queue's own, retention), bad values refused", async () => {
    const ws = await workspace();
    const path = `/api/workspaces/${ws}/recordings/settings`;
    expect(await (await call(path, { headers: AUTH })).json()).toEqual({ record_calls: false, queues: {}, retention_days: null });
    const queue = newSid("WQ");
    const changed = await call(path, {
      method: "POST",
      headers: FORM,
      body: `RecordCalls=true&RetentionDays=30&Queues=${encodeURIComponent(JSON.stringify({ [queue]: false }))}`,
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ record_calls: true, queues: { [queue]: false }, retention_days: 30 });
    for (const body of [
      "RetentionDays=-1",
      "RecordCalls=maybe",
      `Queues=${encodeURIComponent('{"WQ1": true}')}`,
      `Queues=${encodeURIComponent(JSON.stringify({ [queue]: "yes" }))}`,
    ]) {
      const refused = await call(path, { method: "POST", headers: FORM, body });
      expect(refused.status, body).toBe(400);
    }
    expect((await (await call(path, { headers: AUTH })).json()) as object).toMatchObject({ retention_days: 30 });
  });

  it("lists, filters and fetches a recording; a media link plays it and expires", async () => {
    const { ws, sid, callSid, conversationSid } = await recordedCall();
    const list = (await (await call(`/api/workspaces/${ws}/recordings?CallSid=${callSid}`, { headers: AUTH })).json()) as {
      recordings: RecordingRecord[];
      meta: { key: string };
    };
    expect(list.meta.key).toBe("recordings");
    expect(list.recordings.map((r) => r.sid)).toEqual([sid]);
    const none = (await (await call(`/api/workspaces/${ws}/recordings?ConversationSid=${newSid("CH")}`, { headers: AUTH })).json()) as {
      recordings: unknown[];
    };
    expect(none.recordings).toEqual([]);
    const fetched = (await (await call(`/api/workspaces/${ws}/recordings/${sid}`, { headers: AUTH })).json()) as RecordingRecord;
    expect(fetched).toMatchObject({ sid, status: "completed", duration: 12, conversation_sid: conversationSid, channels: 2 });
    // No card number, no name: the record's strings are SIDs, states and dates.
    expect(redactCardNumbers(JSON.stringify(fetched))).toBe(JSON.stringify(fetched));

    const link = (await (await call(`/api/workspaces/${ws}/recordings/${sid}/media-url`, { method: "POST", headers: FORM })).json()) as {
      url: string;
      expires_at: string;
    };
    expect(Date.parse(link.expires_at) - Date.now()).toBeLessThanOrEqual(RECORDING_LINK_TTL_MS);
    const played = await app.request(link.url, {}, s3Env);
    expect(played.status).toBe(200);
    expect(played.headers.get("content-type")).toBe("audio/ogg");
    expect(new Uint8Array(await played.arrayBuffer())).toEqual(AUDIO);

    const tampered = link.url.replace(/signature=([0-9a-f])/, (_, c: string) => `signature=${c === "0" ? "1" : "0"}`);
    expect((await app.request(tampered, {}, s3Env)).status).toBe(403);
    const expired = await recordingMediaLink(env.AUTH_TOKEN!, "http://x", ws, sid, 1, Date.now() - RECORDING_LINK_TTL_MS - 1000);
    expect((await app.request(expired.url, {}, s3Env)).status).toBe(403);
    const otherPart = link.url.replace("/1.ogg", "/2.ogg");
    expect((await app.request(otherPart, {}, s3Env)).status).toBe(403);
  });

  it("deletes the media (R2 and the link), keeps the record as deleted", async () => {
    const { ws, sid, key } = await recordedCall();
    const link = (await (await call(`/api/workspaces/${ws}/recordings/${sid}/media-url`, { method: "POST", headers: FORM })).json()) as {
      url: string;
    };
    expect((await call(`/api/workspaces/${ws}/recordings/${sid}`, { method: "DELETE", headers: AUTH })).status).toBe(204);
    expect(await recordingsFor(env, ws).head(key)).toBeNull();
    const after = (await (await call(`/api/workspaces/${ws}/recordings/${sid}`, { headers: AUTH })).json()) as RecordingRecord;
    expect(after).toMatchObject({ status: "deleted", date_deleted: expect.any(String) });
    expect((await app.request(link.url, {}, s3Env)).status).toBe(410);
    expect((await call(`/api/workspaces/${ws}/recordings/${sid}/media-url`, { method: "POST", headers: FORM })).status).toBe(410);
    expect((await call(`/api/workspaces/${ws}/recordings/${sid}`, { method: "DELETE", headers: AUTH })).status).toBe(204); // twice: once
  });

  it("answers 404 for another workspace's recording, a bad SID, a workspace that is not the caller's; 401 without credentials", async () => {
    const { sid } = await recordedCall();
    const other = await workspace();
    expect((await call(`/api/workspaces/${other}/recordings/${sid}`, { headers: AUTH })).status).toBe(404);
    expect((await call(`/api/workspaces/${other}/recordings/RE123`, { headers: AUTH })).status).toBe(404);
    expect((await call(`/api/workspaces/${newSid("WS")}/recordings`, { headers: AUTH })).status).toBe(404);
    expect((await call(`/api/workspaces/${other}/recordings`)).status).toBe(401);
    expect((await call(`/api/workspaces/${other}/recordings?DateCreatedAfter=yesterday`, { headers: AUTH })).status).toBe(400);
  });

  it("retention: the alarm deletes media whose time is up, as DELETE does", async () => {
    const { ws, sid, key } = await recordedCall();
    await call(`/api/workspaces/${ws}/recordings/settings`, { method: "POST", headers: FORM, body: "RetentionDays=1" });
    const before = (await (await call(`/api/workspaces/${ws}/recordings/${sid}`, { headers: AUTH })).json()) as RecordingRecord;
    expect(Date.parse(before.date_expires!) - Date.now()).toBeGreaterThan(23 * 60 * 60 * 1000);
    const stub = directoryFor(env, ws);
    // A day later: the retention timer is due (the alarm reads the real clock; the timer is moved instead).
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec("UPDATE sb_timers SET due_at = ? WHERE kind = 'retention' AND sid = ?", Date.now() - 1, sid);
    });
    await runDurableObjectAlarm(stub);
    expect(await recordingsFor(env, ws).head(key)).toBeNull();
    expect(((await (await call(`/api/workspaces/${ws}/recordings/${sid}`, { headers: AUTH })).json()) as RecordingRecord).status).toBe(
      "deleted",
    );
  });
});
