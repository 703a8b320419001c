/**
 * The S3-compatible endpoint LiveKit's egress uploads call recordings to (`RECORDING_S3_ENDPOINT` =
 * `https://<this Worker>/api/s3`, path-style): just the operations an S3 uploader uses to write one
 * object — PutObject, and the multipart trio CreateMultipartUpload, UploadPart, CompleteMultipartUpload
 * (plus AbortMultipartUpload) for files past the uploader's part size — each checked with SigV4 against
 * `RECORDING_S3_ACCESS_KEY_ID` / `RECORDING_S3_SECRET_ACCESS_KEY` (platform/sigv4.ts) and written through
 * the R2 binding of the workspace the key names (platform/stores.ts: a pinned workspace's own bucket).
 *
 * Why not R2's own S3 API: miniflare's R2 has none, so local recording would need another path; this one
 * works the same locally and in production, and production then needs no R2 API token. Only keys of
 * recording parts (`recordings/WS…/RE…/<n>.ogg`) are accepted, in the configured bucket name; anything
 * else is S3's error (XML), changing nothing.
 */
import { Hono, type Context } from "hono";
import type { Env } from "../../platform/env";
import { egressTargetOf } from "../../platform/egress";
import { verifySigV4 } from "../../platform/sigv4";
import { recordingsFor } from "../../platform/stores";
import { readBodyAtMost } from "../../platform/read-at-most";
import { parsePartKey } from "../../durable-objects/directory/recording-policy";

/** The most one request carries: S3 uploaders send parts of 5–100 MiB; an hour of dual-channel Opus is ~15 MiB. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

type S3Env = { Bindings: Env };
export const s3Upload = new Hono<S3Env>();

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function s3Error(status: number, code: string, message: string): Response {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`;
  return new Response(body, { status, headers: { "content-type": "application/xml" } });
}

const xml = (body: string, headers: Record<string, string> = {}) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, { headers: { "content-type": "application/xml", ...headers } });

/** The request checked: configured, signed, a part's key in the configured bucket; its payload and where it goes. */
async function checked(c: Context<S3Env>): Promise<Response | { bucket: R2Bucket; key: string; payload: Uint8Array }> {
  const found = egressTargetOf(c.env);
  if (!found.ok) return s3Error(503, "ServiceUnavailable", found.reason);
  const { target } = found;
  const url = new URL(c.req.url);
  const path = url.pathname.replace(/^\/api\/s3\//, "");
  const slash = path.indexOf("/");
  const bucketName = decodeURIComponent(slash < 0 ? path : path.slice(0, slash));
  const key = slash < 0 ? "" : decodeURIComponent(path.slice(slash + 1));
  const bytes = await readBodyAtMost(c.req.raw, MAX_UPLOAD_BYTES);
  if (bytes === null) return s3Error(413, "EntityTooLarge", `A request may carry at most ${MAX_UPLOAD_BYTES} bytes`);
  const verified = await verifySigV4(
    { method: c.req.method, url, headers: c.req.raw.headers, body: bytes },
    { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    Date.now(),
  );
  if (!verified.ok) return s3Error(verified.status, verified.code, verified.message);
  if (bucketName !== target.bucket) return s3Error(404, "NoSuchBucket", `This endpoint writes only to bucket ${target.bucket}`);
  const part = parsePartKey(key);
  if (!part) return s3Error(403, "AccessDenied", "Only a recording part's key (recordings/WS…/RE…/<n>.ogg) may be written here");
  return { bucket: recordingsFor(c.env, part.workspaceSid), key, payload: verified.payload };
}

const etagOf = (etag: string) => `"${etag.replace(/"/g, "")}"`;

s3Upload.put("/*", async (c) => {
  const request = await checked(c);
  if (request instanceof Response) return request;
  const { bucket, key, payload } = request;
  const uploadId = c.req.query("uploadId");
  const partNumber = c.req.query("partNumber");
  if (uploadId !== undefined || partNumber !== undefined) {
    const number = Number(partNumber);
    if (uploadId === undefined || !Number.isInteger(number) || number < 1 || number > 10_000) {
      return s3Error(400, "InvalidArgument", "UploadPart needs uploadId and a partNumber from 1 to 10000");
    }
    const uploaded = await bucket.resumeMultipartUpload(key, uploadId).uploadPart(number, payload);
    return c.body(null, 200, { etag: etagOf(uploaded.etag) });
  }
  const contentType = c.req.header("content-type") ?? "audio/ogg";
  const object = await bucket.put(key, payload, { httpMetadata: { contentType } });
  return c.body(null, 200, { etag: etagOf(object.etag) });
});

s3Upload.post("/*", async (c) => {
  const request = await checked(c);
  if (request instanceof Response) return request;
  const { bucket, key, payload } = request;
  const url = new URL(c.req.url);
  if (url.searchParams.has("uploads")) {
    const upload = await bucket.createMultipartUpload(key, { httpMetadata: { contentType: c.req.header("content-type") ?? "audio/ogg" } });
    const [bucketName] = url.pathname.replace(/^\/api\/s3\//, "").split("/");
    return xml(
      `<InitiateMultipartUploadResult><Bucket>${xmlEscape(bucketName ?? "")}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(upload.uploadId)}</UploadId></InitiateMultipartUploadResult>`,
    );
  }
  const uploadId = url.searchParams.get("uploadId");
  if (uploadId === null) return s3Error(400, "InvalidRequest", "POST needs ?uploads or ?uploadId");
  const parts = [...new TextDecoder().decode(payload).matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, part]) => ({
    partNumber: Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(part!)?.[1]),
    etag: (/<ETag>([\s\S]*?)<\/ETag>/.exec(part!)?.[1] ?? "").replace(/&quot;|"/g, ""),
  }));
  if (parts.length === 0 || parts.some((part) => !Number.isInteger(part.partNumber) || part.etag === "")) {
    return s3Error(400, "MalformedXML", "CompleteMultipartUpload needs each Part's PartNumber and ETag");
  }
  try {
    const object = await bucket.resumeMultipartUpload(key, uploadId).complete(parts);
    return xml(
      `<CompleteMultipartUploadResult><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(etagOf(object.etag))}</ETag></CompleteMultipartUploadResult>`,
    );
  } catch (error) {
    return s3Error(400, "InvalidPart", `R2 refused to complete the upload: ${String((error as Error).message ?? error)}`);
  }
});

s3Upload.delete("/*", async (c) => {
  const request = await checked(c);
  if (request instanceof Response) return request;
  const uploadId = c.req.query("uploadId");
  // Egress never deletes an object; only an abandoned multipart upload may be aborted.
  if (uploadId === undefined) return s3Error(403, "AccessDenied", "Only AbortMultipartUpload (?uploadId) is accepted here");
  await request.bucket.resumeMultipartUpload(request.key, uploadId).abort();
  return c.body(null, 204);
});
