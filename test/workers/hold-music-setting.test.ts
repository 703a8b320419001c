/**
 * The team's hold music (`HoldMusicUrl` on the Workspace, Switchboard's own): the URL of a WAV the media
 * service loops to callers who wait or are held (services/media/). Unset by default (the built-in loop),
 * set on create or update, cleared with "", and a value that is not an http(s) URL is a 400 naming it
 * that changes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { call as callAs } from "./taskrouter-call";

type Body = Record<string, unknown> & { sid: string };
const call = (method: string, path: string, params?: Record<string, string>) => callAs<Body>(method, path, params);

let ws = "";
beforeAll(async () => {
  const created = await call("POST", "/Workspaces", { FriendlyName: "Hold music" });
  expect(created.status).toBe(201);
  ws = created.body.sid;
});

describe("a workspace's hold music", () => {
  it("is unset by default, set and cleared by an update, and read back by a fetch", async () => {
    expect((await call("GET", `/Workspaces/${ws}`)).body.hold_music_url).toBeNull();
    const set = await call("POST", `/Workspaces/${ws}`, { HoldMusicUrl: "https://team.example/hold.wav" });
    expect(set.status).toBe(200);
    expect(set.body.hold_music_url).toBe("https://team.example/hold.wav");
    expect((await call("GET", `/Workspaces/${ws}`)).body.hold_music_url).toBe("https://team.example/hold.wav");
    // An update that does not name it keeps it.
    await call("POST", `/Workspaces/${ws}`, { FriendlyName: "Hold music 2" });
    expect((await call("GET", `/Workspaces/${ws}`)).body.hold_music_url).toBe("https://team.example/hold.wav");
    const cleared = await call("POST", `/Workspaces/${ws}`, { HoldMusicUrl: "" });
    expect(cleared.body.hold_music_url).toBeNull();
  });

  it("can be set on create", async () => {
    const created = await call("POST", "/Workspaces", { FriendlyName: "With music", HoldMusicUrl: "https://team.example/a.wav" });
    expect(created.status).toBe(201);
    expect(created.body.hold_music_url).toBe("https://team.example/a.wav");
  });

  it.each(["ftp://team.example/a.wav", "not a url", "javascript:alert(1)"])(
    "refuses HoldMusicUrl=%j with a 400 naming it, changing nothing",
    async (given) => {
      await call("POST", `/Workspaces/${ws}`, { HoldMusicUrl: "https://team.example/kept.wav" });
      const refused = await call("POST", `/Workspaces/${ws}`, { HoldMusicUrl: given });
      expect(refused.status).toBe(400);
      expect(String(refused.body.message)).toContain("HoldMusicUrl");
      expect((await call("GET", `/Workspaces/${ws}`)).body.hold_music_url).toBe("https://team.example/kept.wav");
    },
  );
});
