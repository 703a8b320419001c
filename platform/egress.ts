/**
 * Recording a call through LiveKit Egress: the one place that says what Switchboard asks egress for and
 * where the audio goes. A part of a recording is one room-composite egress of the call's room, audio
 * only, the parties on separate channels (`AudioMixing.DUAL_CHANNEL_ALTERNATE`: each new audio track
 * takes the other channel, so the customer, in the room first, is left and the agent right —
 * `DUAL_CHANNEL_AGENT` would put only LiveKit Agents-framework participants on the left, and our agents
 * are people), an Ogg Opus file uploaded with S3's API to the key the recording's index chose.
 *
 * Where the upload goes (`RECORDING_S3_ENDPOINT`): normally the Worker's own S3-compatible endpoint
 * (`https://<your Worker>/api/s3`, workers/recordings/s3-upload.ts), which checks the SigV4 signature and
 * writes through the R2 binding of the workspace's jurisdiction — no R2 API token, and it works under
 * `wrangler dev`, whose R2 has no S3 API. The key and secret egress signs with are
 * `RECORDING_S3_ACCESS_KEY_ID` / `RECORDING_S3_SECRET_ACCESS_KEY` (secrets, made up by the operator).
 * Egress's API is the region's LiveKit server unless `LIVEKIT_EGRESS_URL` names another (a separate
 * egress deployment's, or a test's). Without the endpoint or keys, recording is off: {@link egressTargetOf}
 * says why.
 *
 * Pure: livekit-server-sdk's EgressClient needs only `fetch` and Web Crypto; its request needs the
 * `roomRecord` grant, which the SDK signs for each call.
 */
import { AudioMixing } from "@livekit/protocol";
import { EgressClient, EncodedFileOutput, EncodedFileType, S3Upload } from "livekit-server-sdk";
import { settleWithin } from "./deadline";
import { LIVEKIT_DEADLINE_MS, type LiveKitServer } from "./livekit";

/** The Env's recording settings (platform/env.ts declares them). */
export interface RecordingUploadSettings {
  readonly RECORDING_S3_ENDPOINT?: string | undefined;
  readonly RECORDING_S3_BUCKET?: string | undefined;
  readonly RECORDING_S3_ACCESS_KEY_ID?: string | undefined;
  readonly RECORDING_S3_SECRET_ACCESS_KEY?: string | undefined;
  readonly LIVEKIT_EGRESS_URL?: string | undefined;
}

/** Where egress uploads a part: an S3 endpoint, its bucket name and the key pair it signs with. */
export interface UploadTarget {
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The bucket name egress's requests carry when none is set; the Worker's endpoint accepts only the configured one. */
export const DEFAULT_RECORDING_BUCKET = "switchboard-recordings";

const present = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

/**
 * Where egress uploads to, or why recording is off.
 * @example
 * const target = egressTargetOf(env);
 * if (!target.ok) console.warn(target.reason);
 */
export function egressTargetOf(
  settings: RecordingUploadSettings,
): { readonly ok: true; readonly target: UploadTarget } | { readonly ok: false; readonly reason: string } {
  const { RECORDING_S3_ENDPOINT: endpoint, RECORDING_S3_ACCESS_KEY_ID: keyId, RECORDING_S3_SECRET_ACCESS_KEY: secret } = settings;
  if (!present(endpoint) || !present(keyId) || !present(secret)) {
    return {
      ok: false,
      reason:
        "Recording is off: set RECORDING_S3_ENDPOINT (e.g. https://<your Worker>/api/s3), RECORDING_S3_ACCESS_KEY_ID and RECORDING_S3_SECRET_ACCESS_KEY",
    };
  }
  if (!/^https?:\/\/[^\s/]+/.test(endpoint.trim())) {
    return {
      ok: false,
      reason: `Recording is off: RECORDING_S3_ENDPOINT must be an http(s) URL (got ${JSON.stringify(endpoint.slice(0, 80))})`,
    };
  }
  const bucket = present(settings.RECORDING_S3_BUCKET) ? settings.RECORDING_S3_BUCKET.trim() : DEFAULT_RECORDING_BUCKET;
  return {
    ok: true,
    target: { endpoint: endpoint.trim().replace(/\/$/, ""), bucket, accessKeyId: keyId.trim(), secretAccessKey: secret.trim() },
  };
}

/**
 * LiveKit's egress service for a region's server (or the one `LIVEKIT_EGRESS_URL` names).
 * @example const egress = egressServiceOf(server, env);
 */
export function egressServiceOf(server: LiveKitServer, settings: RecordingUploadSettings = {}): EgressClient {
  const url = present(settings.LIVEKIT_EGRESS_URL) ? settings.LIVEKIT_EGRESS_URL.trim() : server.url;
  // No SDK timeout (its AbortSignal.timeout keeps the calling object busy): the parts below bound each call.
  return new EgressClient(url, server.apiKey, server.apiSecret, { requestTimeout: 0 });
}

/**
 * Starts one part: a room-composite, audio-only, dual-channel egress of `room` into `key`. Answers the
 * egress ID LiveKit gave it; throws LiveKit's error (the caller records it on the recording).
 * @example const egressId = await startRecordingPart(egressServiceOf(server, env), "CH…", "recordings/WS…/RE…/1.ogg", target);
 */
export async function startRecordingPart(egress: EgressClient, room: string, key: string, target: UploadTarget): Promise<string> {
  const file = new EncodedFileOutput({
    fileType: EncodedFileType.OGG,
    filepath: key,
    disableManifest: true,
    output: {
      case: "s3",
      value: new S3Upload({
        accessKey: target.accessKeyId,
        secret: target.secretAccessKey,
        bucket: target.bucket,
        region: "auto",
        endpoint: target.endpoint,
        forcePathStyle: true,
      }),
    },
  });
  const info = await settleWithin(
    LIVEKIT_DEADLINE_MS,
    egress.startRoomCompositeEgress(room, { file }, { audioOnly: true, audioMixing: AudioMixing.DUAL_CHANNEL_ALTERNATE }),
  );
  return info.egressId;
}

/**
 * Stops a part's egress (a pause, a stop, the call's end); egress then uploads what it recorded and
 * reports `egress_ended`. An egress that already ended is not an error.
 * @example await stopRecordingPart(egressServiceOf(server, env), "EG_…");
 */
export async function stopRecordingPart(egress: EgressClient, egressId: string): Promise<void> {
  try {
    await settleWithin(LIVEKIT_DEADLINE_MS, egress.stopEgress(egressId));
  } catch (error) {
    // LiveKit answers FailedPrecondition for an egress that is no longer active: it ended on its own (the room closed).
    if (/failed_precondition|not active|cannot be stopped|EGRESS_COMPLETE|EGRESS_ENDING/i.test(String((error as Error)?.message ?? error)))
      return;
    throw error;
  }
}
