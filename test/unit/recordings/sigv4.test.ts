// SigV4 as S3 checks it, against a stock signer (aws4fetch, as an S3 client signs): LiveKit's egress
// uploads to the Worker's S3-compatible endpoint with such signatures.
import { AwsV4Signer } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { decodeAwsChunked, verifySigV4 } from "../../../platform/sigv4";

const credentials = { accessKeyId: "AKIDRECORDINGS", secretAccessKey: "recordings-secret-0123456789" };
const URL_ = "http://127.0.0.1:8787/api/s3/switchboard-recordings/recordings/WS0/RE0/1.ogg";
const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);

async function signed(options: {
  url?: string;
  method?: string;
  body?: Uint8Array;
  headers?: Record<string, string>;
  secret?: string;
  at?: number;
}) {
  const signer = new AwsV4Signer({
    url: options.url ?? URL_,
    method: options.method ?? "PUT",
    headers: options.headers ?? {},
    body: options.body,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: options.secret ?? credentials.secretAccessKey,
    service: "s3",
    region: "auto",
    datetime: new Date(options.at ?? NOW).toISOString().replace(/[:-]|\.\d{3}/g, ""),
  });
  const { method, url, headers } = await signer.sign();
  return { method, url: new URL(url.toString()), headers, body: options.body ?? new Uint8Array() };
}

const audio = new TextEncoder().encode("OggS fake audio bytes");

describe("verifySigV4", () => {
  it("accepts a stock client's signed PUT and answers its body", async () => {
    const checked = await verifySigV4(await signed({ body: audio }), credentials, NOW);
    expect(checked).toEqual({ ok: true, payload: audio });
  });

  it("accepts a signed query (multipart's uploadId and partNumber), in any order", async () => {
    const request = await signed({ url: `${URL_}?uploadId=abc%2Fdef&partNumber=2`, body: audio });
    expect((await verifySigV4(request, credentials, NOW)).ok).toBe(true);
  });

  it("checks a payload hash against the body", async () => {
    const hash = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", audio)), (b) => b.toString(16).padStart(2, "0")).join("");
    const request = await signed({ body: audio, headers: { "x-amz-content-sha256": hash } });
    expect((await verifySigV4(request, credentials, NOW)).ok).toBe(true);
    const tampered = { ...request, body: new TextEncoder().encode("other bytes") };
    expect(await verifySigV4(tampered, credentials, NOW)).toMatchObject({ ok: false, status: 400, code: "XAmzContentSHA256Mismatch" });
  });

  it.each([
    ["another secret", { secret: "not-the-secret" }, 403, "SignatureDoesNotMatch"],
    ["signed 16 minutes ago", { at: NOW - 16 * 60_000 }, 403, "RequestTimeTooSkewed"],
  ] as const)("refuses a request %s", async (_, options, status, code) => {
    expect(await verifySigV4(await signed({ body: audio, ...options }), credentials, NOW)).toMatchObject({ ok: false, status, code });
  });

  it("refuses a changed path, a changed method and another key ID", async () => {
    const request = await signed({ body: audio });
    const otherPath = { ...request, url: new URL(URL_.replace("1.ogg", "2.ogg")) };
    expect(await verifySigV4(otherPath, credentials, NOW)).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
    expect(await verifySigV4({ ...request, method: "DELETE" }, credentials, NOW)).toMatchObject({
      ok: false,
      code: "SignatureDoesNotMatch",
    });
    expect(await verifySigV4(request, { ...credentials, accessKeyId: "AKIDOTHER" }, NOW)).toMatchObject({
      ok: false,
      code: "InvalidAccessKeyId",
    });
  });

  it("refuses a request with no signature", async () => {
    const request = { method: "PUT", url: new URL(URL_), headers: new Headers(), body: audio };
    expect(await verifySigV4(request, credentials, NOW)).toMatchObject({ ok: false, status: 403, code: "AccessDenied" });
  });

  it("decodes an aws-chunked body with a trailer (what newer S3 clients send)", async () => {
    const chunked = new TextEncoder().encode("5\r\nOggS \r\n3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
    const request = await signed({
      body: chunked,
      headers: { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked" },
    });
    const checked = await verifySigV4(request, credentials, NOW);
    expect(checked.ok && new TextDecoder().decode(checked.payload)).toBe("OggS abc");
    expect(decodeAwsChunked(new TextEncoder().encode("5\r\nOgg"))).toBeNull();
  });
});
