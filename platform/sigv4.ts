/**
 * AWS Signature Version 4, the receiving side: whether a request to Switchboard's S3-compatible upload
 * endpoint (workers/recordings/s3-upload.ts) was signed with the recordings' access key, as S3 (and R2)
 * check it. LiveKit's egress uploads a call's audio with an S3 client; pointed at the Worker, it signs
 * each request with SigV4, and the Worker writes the bytes through the R2 binding — so production needs
 * no R2 API token and local development (miniflare's R2 has no S3 API) works the same way.
 *
 * What is checked: the Authorization header's algorithm, credential (key ID, a date matching
 * `x-amz-date`, service `s3`, `aws4_request`) and signature over the canonical request (method, the path
 * as sent, the sorted query, the signed headers, which must include `host` and `x-amz-date`); a clock skew
 * of at most 15 minutes; and the payload: a hex SHA-256 is compared with the body, `UNSIGNED-PAYLOAD` and
 * `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (aws-chunked, decoded by {@link decodeAwsChunked}) are accepted as
 * S3 accepts them over TLS. Signed chunks (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`) are refused by name.
 * Pure Web Crypto; the comparison is in constant time.
 */
import { sameText, sha256Hex } from "./constant-time";

export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A request as the verifier reads it: method, URL as received, headers, and the body's bytes. */
export interface SignedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export type SigV4Result =
  | { readonly ok: true; readonly payload: Uint8Array }
  | { readonly ok: false; readonly status: 400 | 403 | 501; readonly code: string; readonly message: string };

const encoder = new TextEncoder();
const refuse = (status: 400 | 403 | 501, code: string, message: string): SigV4Result => ({ ok: false, status, code, message });

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, upper-case hex. */
const uriEncode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(search: string): string {
  if (search.length <= 1) return "";
  const pairs = search
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const at = pair.indexOf("=");
      const [k, v] = at < 0 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
      const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, "%20"));
      return [uriEncode(decode(k)), uriEncode(decode(v))] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

async function hmac(key: Uint8Array | string, data: string): Promise<Uint8Array> {
  const raw = typeof key === "string" ? encoder.encode(key) : key;
  const imported = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, encoder.encode(data)));
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Whether `request` carries a valid SigV4 signature by `credentials`, and its payload (aws-chunked decoded).
 * @example
 * const checked = await verifySigV4(request, { accessKeyId, secretAccessKey }, Date.now());
 * if (!checked.ok) return s3Error(checked.status, checked.code, checked.message);
 */
export async function verifySigV4(request: SignedRequest, credentials: SigV4Credentials, now: number): Promise<SigV4Result> {
  const authorization = request.headers.get("authorization") ?? "";
  const match = AUTHORIZATION.exec(authorization.trim());
  if (!match)
    return refuse(403, "AccessDenied", "Authorization must be an AWS4-HMAC-SHA256 signature (query-string signing is not accepted)");
  const [, keyId, day, region, service, signedHeaderList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!sameText(keyId, credentials.accessKeyId)) return refuse(403, "InvalidAccessKeyId", "The access key ID is not the recordings' key");
  if (service !== "s3") return refuse(403, "AccessDenied", `The credential's service must be s3, not ${service}`);
  const amzDate = request.headers.get("x-amz-date") ?? "";
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) {
    return refuse(403, "AccessDenied", "x-amz-date must be set (YYYYMMDDTHHMMSSZ) and on the credential's day");
  }
  const signedAt = Date.UTC(
    +amzDate.slice(0, 4),
    +amzDate.slice(4, 6) - 1,
    +amzDate.slice(6, 8),
    +amzDate.slice(9, 11),
    +amzDate.slice(11, 13),
    +amzDate.slice(13, 15),
  );
  if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS)
    return refuse(403, "RequestTimeTooSkewed", "The request was signed more than 15 minutes from now");
  const signedHeaders = signedHeaderList.split(";");
  if (!signedHeaders.includes("host") || !signedHeaders.includes("x-amz-date")) {
    return refuse(403, "AccessDenied", "SignedHeaders must include host and x-amz-date");
  }
  const contentSha = request.headers.get("x-amz-content-sha256") ?? "";
  if (contentSha === "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" || contentSha.startsWith("STREAMING-AWS4-")) {
    return refuse(501, "NotImplemented", "Signed aws-chunked payloads are not accepted; send UNSIGNED-PAYLOAD or a SHA-256");
  }
  const canonicalHeaders = signedHeaders
    .map(
      (name) =>
        `${name}:${(name === "host" ? (request.headers.get("host") ?? request.url.host) : (request.headers.get(name) ?? "")).trim().replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const canonicalRequest = [
    request.method.toUpperCase(),
    request.url.pathname,
    canonicalQuery(request.url.search),
    canonicalHeaders,
    signedHeaderList,
    contentSha || "UNSIGNED-PAYLOAD",
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha256Hex(canonicalRequest)].join("\n");
  let key = await hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, service, "aws4_request"]) key = await hmac(key, part);
  if (!sameText(signature, hex(await hmac(key, stringToSign)))) {
    return refuse(403, "SignatureDoesNotMatch", "The request signature does not match the recordings' secret");
  }
  if (contentSha === "" || contentSha === "UNSIGNED-PAYLOAD") return { ok: true, payload: request.body };
  if (contentSha === "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
    const decoded = decodeAwsChunked(request.body);
    return decoded ? { ok: true, payload: decoded } : refuse(400, "IncompleteBody", "The aws-chunked body is malformed");
  }
  if (!/^[0-9a-f]{64}$/.test(contentSha))
    return refuse(400, "InvalidArgument", "x-amz-content-sha256 must be a hex SHA-256 or UNSIGNED-PAYLOAD");
  if (!sameText(await sha256Hex(request.body), contentSha)) {
    return refuse(400, "XAmzContentSHA256Mismatch", "The body's SHA-256 is not the x-amz-content-sha256 signed");
  }
  return { ok: true, payload: request.body };
}

/**
 * The data of an aws-chunked body (`<hex size>[;extensions]\r\n<data>\r\n` … `0\r\n<trailers>\r\n\r\n`),
 * or null when it is malformed. The trailer's checksum is not checked (TLS and R2's own integrity are).
 */
export function decodeAwsChunked(body: Uint8Array): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  let at = 0;
  let total = 0;
  for (;;) {
    let end = at;
    while (end + 1 < body.length && !(body[end] === 13 && body[end + 1] === 10)) end++;
    if (end + 1 >= body.length) return null;
    const header = new TextDecoder().decode(body.subarray(at, end));
    const size = Number.parseInt(header.split(";")[0]!, 16);
    if (!/^[0-9a-fA-F]+/.test(header) || !Number.isFinite(size)) return null;
    at = end + 2;
    if (size === 0) break;
    if (at + size + 2 > body.length || body[at + size] !== 13 || body[at + size + 1] !== 10) return null;
    chunks.push(body.subarray(at, at + size));
    total += size;
    at += size + 2;
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.length;
  }
  return data;
}
