// scripts/livekit.mjs without building or running anything: where LiveKit's server is looked for (the
// PATH first, then the cache), the loopback-only configuration it is run with, and the one line that
// says calls are off and how to turn them on.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CALLS_OFF,
  LIVEKIT_VERSION,
  cachedBinary,
  ensureLivekitServer,
  findLivekitServer,
  livekitConfig,
  onPath,
} from "../../../scripts/livekit.mjs";

function executable(dir: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, 0o755);
  return path;
}

describe("finding LiveKit's server", () => {
  const bin = mkdtempSync(join(tmpdir(), "livekit-path-"));
  const cache = mkdtempSync(join(tmpdir(), "livekit-cache-"));

  it("takes a livekit-server on the PATH first, then the cached build, else none", () => {
    const empty = mkdtempSync(join(tmpdir(), "livekit-empty-"));
    expect(findLivekitServer({ path: empty, cached: join(cache, "livekit-server") })).toBeNull();
    const cached = executable(cache, "livekit-server");
    expect(findLivekitServer({ path: empty, cached })).toEqual({ path: cached, source: "cache" });
    const installed = executable(bin, "livekit-server");
    expect(findLivekitServer({ path: `${empty}:${bin}`, cached })).toEqual({ path: installed, source: "path" });
  });

  it("without one and without Go, says calls are off; with Go but no build allowed, says how to build it", async () => {
    const empty = mkdtempSync(join(tmpdir(), "livekit-none-"));
    const missing = join(empty, "livekit-server");
    expect(await ensureLivekitServer({ path: empty, cached: missing })).toEqual({ path: null, reason: CALLS_OFF });
    const withGo = mkdtempSync(join(tmpdir(), "livekit-go-"));
    executable(withGo, "go");
    const unbuilt = await ensureLivekitServer({ path: withGo, cached: missing, build: false });
    expect(unbuilt.path).toBeNull();
    expect("reason" in unbuilt && unbuilt.reason).toContain("run `node scripts/livekit.mjs build`");
  });

  it("skips a file on the PATH that is not executable", () => {
    const dir = mkdtempSync(join(tmpdir(), "livekit-noexec-"));
    writeFileSync(join(dir, "go"), "");
    expect(onPath("go", dir)).toBeNull();
  });

  it("caches the pinned release under .cache/livekit/<version>/", () => {
    expect(LIVEKIT_VERSION).toBe("v1.13.5");
    expect(cachedBinary).toMatch(/[/\\]\.cache[/\\]livekit[/\\]v1\.13\.5[/\\]livekit-server$/);
  });
});

describe("running it", () => {
  it("is development mode on loopback only, its media on the given ports, with the run's key", () => {
    const config = livekitConfig({ port: 7880, tcpPort: 7881, udpPort: 7882, apiKey: "devkey", apiSecret: "s3cret" });
    expect(config.split("\n")).toEqual(
      expect.arrayContaining([
        "development: true",
        "port: 7880",
        "bind_addresses: [127.0.0.1]",
        "  tcp_port: 7881",
        "  udp_port: 7882",
        "  node_ip: 127.0.0.1",
        "  enable_loopback_candidate: true",
        "  stun_servers: []",
        "  devkey: s3cret",
      ]),
    );
  });

  it("sends its webhooks to the Worker, signed with the run's key; none without a URL", () => {
    const urls = ["http://127.0.0.1:8787/webhooks/livekit"];
    const config = livekitConfig({ port: 7880, tcpPort: 7881, udpPort: 7882, apiKey: "devkey", apiSecret: "s3cret", webhookUrls: urls });
    expect(config).toContain("webhook:\n  api_key: devkey\n  urls:\n    - http://127.0.0.1:8787/webhooks/livekit\n");
    expect(livekitConfig({ port: 7880, tcpPort: 7881, udpPort: 7882, apiKey: "devkey", apiSecret: "s3cret" })).not.toContain("webhook:");
  });

  it("says in one line, when there is none, that calls are off and the three ways to turn them on", () => {
    expect(CALLS_OFF.split("\n")).toHaveLength(1);
    for (const way of [
      "installing Go",
      "livekit-server on the PATH",
      "LIVEKIT_URL",
      "LIVEKIT_API_KEY",
      "LIVEKIT_API_SECRET",
      "LiveKit Cloud",
    ])
      expect(CALLS_OFF).toContain(way);
    expect(CALLS_OFF).toContain("Chat works without");
  });
});
