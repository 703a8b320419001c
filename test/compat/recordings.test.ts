/**
 * A call recorded against the real `wrangler dev`, beside the real LiveKit server, with LiveKit Egress
 * played by its schema-checking double (test/support/doubles/egress.ts; egress cannot be built here:
 * README, "Recording calls"). The visitor calls from the widget; LiveKit's webhooks (signed as LiveKit
 * signs them) say both parties joined; the Worker asks egress — through the real Twirp API shape, read
 * back with livekit-server-sdk's EgressClient — to record the room; the test then does what egress does:
 * uploads the audio with a SigV4-signed S3 PUT to the Worker's S3 endpoint (into miniflare's R2) and sends
 * `egress_ended`. The Recordings API then serves the same bytes by an expiring link, and deletes them.
 */
import { AwsV4Signer } from "aws4fetch";
import { AccessToken, EgressClient } from "livekit-server-sdk";
import { EgressStatus, FileInfo } from "@livekit/protocol";
import { describe, expect, inject, it } from "vitest";
import { callScene, ok, post } from "./call-scene";
import { raw } from "./client";
import { signedEgressWebhook } from "../support/doubles/egress";
import { eventually } from "../support/eventually";

const off = inject("livekitOff");
const AUDIO = new Uint8Array([...new TextEncoder().encode("OggS"), ...Array.from({ length: 4000 }, (_, i) => (i * 37) % 256)]);

/** A LiveKit webhook as LiveKit sends it: a JWT by the API key carrying the body's sha256. */
async function webhook(body: string, authorization?: string) {
  let auth = authorization;
  if (auth === undefined) {
    const token = new AccessToken(inject("livekitApiKey"), inject("livekitApiSecret"));
    token.sha256 = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body))).toString("base64");
    auth = await token.toJwt();
  }
  const res = await fetch(`${inject("baseUrl")}/webhooks/livekit`, {
    method: "POST",
    headers: { "content-type": "application/webhook+json", authorization: auth },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const joined = (room: string, identity: string, role: string) =>
  JSON.stringify({
    event: "participant_joined",
    id: `EV_${identity}_${room}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { name: room },
    participant: { sid: `PA_${identity}`, identity, name: identity, attributes: { "switchboard.role": role } },
  });

describe.skipIf(off !== "")(`recording a call (egress's double beside the real LiveKit)${off ? ` — skipped: ${off}` : ""}`, () => {
  it("records the connected call into R2 through the S3 endpoint, serves it by an expiring link, deletes it", async () => {
    const scene = await callScene();
    const ws = scene.workspaceSid;
    await ok("POST", `/api/workspaces/${ws}/recordings/settings`, { RecordCalls: "true" });
    const workers = (await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Workers`)).workers as { sid: string; friendly_name: string }[];
    const annSid = workers.find((w) => w.friendly_name === "Ann")!.sid;
    // The scene's visitor has started a voice call already (call-scene.ts): it connects once both are in.
    const room = scene.conversation;
    expect((await ok("GET", `/api/conversations/${room}/call`)).call).toMatchObject({ state: "waiting", recording: "off" });
    expect((await webhook(joined(room, scene.visitor.id, "customer"))).status).toBe(200);
    expect((await webhook(joined(room, annSid, "agent"))).status).toBe(200);

    // The Worker asked egress to record the room: read back through egress's own API.
    const egress = new EgressClient(inject("egressUrl"), inject("livekitApiKey"), inject("livekitApiSecret"));
    const [info] = await eventually(async () => {
      const items = await egress.listEgress({ roomName: room });
      return items.length === 0 ? undefined : items;
    }, "the Worker's request to egress");
    const request = info!.request.value as { audioOnly: boolean; fileOutputs: { filepath: string }[] };
    expect(request.audioOnly).toBe(true);
    const key = request.fileOutputs[0]!.filepath;
    expect(key).toMatch(new RegExp(`^recordings/${ws}/RE[0-9a-f]{32}/1\\.ogg$`));

    // The visitor hangs up: the Worker stops the egress, which uploads what it recorded.
    expect((await post(`${scene.widgetBase}/call/hangup`, scene.visitor.token, {})).status).toBe(200);
    await eventually(
      async () => ((await egress.listEgress({ roomName: room }))[0]!.status === EgressStatus.EGRESS_ENDING ? true : undefined),
      "the egress stopped",
    );
    // What egress does next: upload the file, S3-style and SigV4-signed, then report it.
    const signer = new AwsV4Signer({
      url: `${inject("baseUrl")}/api/s3/switchboard-recordings/${key}`,
      method: "PUT",
      body: AUDIO,
      headers: { "content-type": "audio/ogg" },
      accessKeyId: inject("recordingKeyId"),
      secretAccessKey: inject("recordingSecret"),
      service: "s3",
      region: "auto",
    });
    const signed = await signer.sign();
    const put = await fetch(signed.url, { method: signed.method, headers: signed.headers, body: AUDIO });
    expect(put.status).toBe(200);
    info!.status = EgressStatus.EGRESS_COMPLETE;
    info!.fileResults = [new FileInfo({ filename: key, duration: 9_000_000_000n, size: BigInt(AUDIO.length) })];
    const ended = await signedEgressWebhook(inject("livekitApiKey"), inject("livekitApiSecret"), "egress_ended", info!);
    expect((await webhook(ended.body, ended.authorization)).body).toEqual({ applied: true });

    const list = await ok("GET", `/api/workspaces/${ws}/recordings?ConversationSid=${room}`);
    const [recording] = list.recordings as { sid: string; status: string; duration: number }[];
    expect(recording).toMatchObject({ status: "completed", duration: 9 });
    const link = await ok("POST", `/api/workspaces/${ws}/recordings/${recording!.sid}/media-url`);
    const media = await fetch(link.url as string);
    expect(media.status).toBe(200);
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(AUDIO);

    expect((await raw("DELETE", `/api/workspaces/${ws}/recordings/${recording!.sid}`)).status).toBe(204);
    expect((await fetch(link.url as string)).status).toBe(410);
    expect(await ok("GET", `/api/workspaces/${ws}/recordings/${recording!.sid}`)).toMatchObject({ status: "deleted" });
  }, 120_000);
});
