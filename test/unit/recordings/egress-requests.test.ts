// Every egress request Switchboard makes (start a part, stop it), through livekit-server-sdk's
// EgressClient, checked against Egress's real API schema by the double (test/support/doubles/egress.ts):
// Twirp route, the roomRecord grant, and the body decoded as @livekit/protocol's message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioMixing, EncodedFileType, EgressStatus } from "@livekit/protocol";
import { AccessToken, EgressClient, type VideoGrant } from "livekit-server-sdk";
import { egressServiceOf, egressTargetOf, startRecordingPart, stopRecordingPart, type UploadTarget } from "../../../platform/egress";
import type { LiveKitServer } from "../../../platform/livekit";
import { startEgressDouble, type EgressDouble } from "../../support/doubles/egress";

const KEY = "APIrecordings";
const SECRET = "a-secret-of-at-least-thirty-two-characters";
const ROOM = "CH" + "1".repeat(32);
const PART = `recordings/WS${"1".repeat(32)}/RE${"2".repeat(32)}/1.ogg`;
const target: UploadTarget = {
  endpoint: "https://sb.example/api/s3",
  bucket: "switchboard-recordings",
  accessKeyId: "AKID",
  secretAccessKey: "s3-secret",
};

let double: EgressDouble;
let server: LiveKitServer;
beforeAll(async () => {
  double = await startEgressDouble(KEY, SECRET);
  server = { regionId: "us-east", url: "ws://127.0.0.1:1", apiKey: KEY, apiSecret: SECRET };
});
afterAll(() => double.close());

describe("the egress requests", () => {
  it("start: a room-composite, audio-only, dual-channel Ogg egress into the part's key on the S3 endpoint", async () => {
    const egressId = await startRecordingPart(egressServiceOf(server, { LIVEKIT_EGRESS_URL: double.url }), ROOM, PART, target);
    expect(egressId).toMatch(/^EG_/);
    const request = double.started.at(-1)!;
    expect(request.roomName).toBe(ROOM);
    expect(request.audioOnly).toBe(true);
    expect(request.audioMixing).toBe(AudioMixing.DUAL_CHANNEL_ALTERNATE);
    const file = request.fileOutputs[0]!;
    expect(file.fileType).toBe(EncodedFileType.OGG);
    expect(file.filepath).toBe(PART);
    expect(file.output.case).toBe("s3");
    expect(file.output.value).toMatchObject({
      bucket: "switchboard-recordings",
      endpoint: "https://sb.example/api/s3",
      forcePathStyle: true,
      accessKey: "AKID",
      secret: "s3-secret",
      region: "auto",
    });
  });

  it("stop: the egress ends; stopping it again is not an error", async () => {
    const egress = egressServiceOf(server, { LIVEKIT_EGRESS_URL: double.url });
    const egressId = await startRecordingPart(egress, ROOM, PART, target);
    await stopRecordingPart(egress, egressId);
    expect(double.info(egressId).status).toBe(EgressStatus.EGRESS_ENDING);
    await expect(stopRecordingPart(egress, egressId)).resolves.toBeUndefined();
    expect(double.refused.at(-1)).toMatchObject({ method: "StopEgress", code: "failed_precondition" });
  });

  it("the double refuses what the real server refuses: a token without roomRecord, another secret", async () => {
    const other = new EgressClient(double.url, KEY, "another-secret-of-at-least-thirty-two-chars");
    await expect(other.listEgress({ roomName: ROOM })).rejects.toThrow();
    expect(double.refused.at(-1)).toMatchObject({ code: "unauthenticated" });
    const noGrant = await fetch(`${double.url}/twirp/livekit.Egress/StartRoomCompositeEgress`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-a-jwt" },
      body: "{}",
    });
    expect(noGrant.status).toBe(401);
    const post = async (grant: VideoGrant, body: unknown) => {
      const token = new AccessToken(KEY, SECRET, { identity: "someone" });
      token.addGrant(grant);
      return fetch(`${double.url}/twirp/livekit.Egress/StartRoomCompositeEgress`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await token.toJwt()}` },
        body: JSON.stringify(body),
      });
    };
    expect((await post({ roomJoin: true, room: ROOM }, { roomName: ROOM })).status).toBe(403);
    // A field Egress's schema does not have is refused, not ignored.
    const unknownField = await post({ roomRecord: true }, { roomName: ROOM, audioOnly: true, channelLayout: "stereo" });
    expect(unknownField.status).toBe(400);
    expect(double.refused.at(-1)).toMatchObject({ code: "malformed" });
  });

  it("a LiveKit without egress answers an error the caller records", async () => {
    double.failNextStart();
    await expect(startRecordingPart(egressServiceOf(server, { LIVEKIT_EGRESS_URL: double.url }), ROOM, PART, target)).rejects.toThrow(
      /egress not connected/,
    );
  });

  it("recording is off, saying how to turn it on, without an endpoint or keys", () => {
    expect(egressTargetOf({})).toMatchObject({ ok: false, reason: expect.stringContaining("RECORDING_S3_ENDPOINT") });
    expect(
      egressTargetOf({ RECORDING_S3_ENDPOINT: "ftp://x", RECORDING_S3_ACCESS_KEY_ID: "a", RECORDING_S3_SECRET_ACCESS_KEY: "b" }),
    ).toMatchObject({ ok: false });
    expect(
      egressTargetOf({
        RECORDING_S3_ENDPOINT: "https://sb.example/api/s3/",
        RECORDING_S3_ACCESS_KEY_ID: "a",
        RECORDING_S3_SECRET_ACCESS_KEY: "b",
      }),
    ).toEqual({
      ok: true,
      target: { endpoint: "https://sb.example/api/s3", bucket: "switchboard-recordings", accessKeyId: "a", secretAccessKey: "b" },
    });
  });
});
