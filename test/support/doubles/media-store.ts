/**
 * The workspace's media store (R2 in production, channels/media.ts) in memory, for adapters' unit
 * tests: what was put is kept for the test to read, and more than the store's 10 MB limit is refused
 * with a MediaTooLarge error, as the R2 store refuses it.
 */
import type { MediaRef } from "../../../contract/conversations";
import { MAX_MEDIA_BYTES, type MediaStore } from "../../../channels/adapter";

export interface MemoryMedia extends MediaStore {
  readonly items: Map<string, { readonly ref: MediaRef; readonly bytes: Uint8Array }>;
}

/**
 * An empty store.
 * @example const media = memoryMedia(); await adapter.parse(request, config, { ...deps, media }); media.items.size; // 1
 */
export function memoryMedia(): MemoryMedia {
  const items = new Map<string, { ref: MediaRef; bytes: Uint8Array }>();
  return {
    items,
    async put(bytes, contentType, filename) {
      if (bytes.byteLength > MAX_MEDIA_BYTES) throw Object.assign(new Error("too large"), { name: "MediaTooLarge" });
      const sid = "ME" + (items.size + 1).toString(16).padStart(32, "0");
      const ref = { sid, content_type: contentType, filename, size: bytes.byteLength };
      items.set(sid, { ref, bytes: new Uint8Array(bytes) });
      return ref;
    },
    async get(sid) {
      const item = items.get(sid);
      return item ? { ref: item.ref, body: new Response(item.bytes).body! } : null;
    },
  };
}
