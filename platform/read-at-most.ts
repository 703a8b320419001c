/**
 * Reading a body or stream with a size bound, for everything that takes bytes from outside (webhooks,
 * uploads, inbound mail): the bytes stop being read — and the stream is canceled — as soon as more than
 * the limit arrive, so an oversize body costs no more memory than the limit. Pure Web Streams.
 */

/**
 * All of `stream`'s bytes, or null once more than `limit` arrive. A null stream is empty.
 * @example const raw = await readAtMost(message.raw, 25 * 2 ** 20); if (raw === null) message.setReject("Too large");
 */
export async function readAtMost(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (stream === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * A request's body, or null when it is (or declares itself, by Content-Length) longer than `limit`.
 * @example const body = await readBodyAtMost(c.req.raw, 1024 * 1024); if (body === null) throw tooLarge();
 */
export function readBodyAtMost(request: Request, limit: number): Promise<Uint8Array | null> {
  if (Number(request.headers.get("content-length") ?? "0") > limit) return Promise.resolve(null);
  return readAtMost(request.body, limit);
}
