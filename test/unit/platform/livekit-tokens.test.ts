// platform/livekit-tokens.ts: each role's token, decoded and checked with livekit-server-sdk's own
// TokenVerifier (the signature under the API secret, then the claims LiveKit's server reads): one room,
// the conversation's; what each may publish; a monitor hidden and mute; nobody an administrator.
import { TokenVerifier, TrackSource } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import type { LiveKitServer } from "../../../platform/livekit";
import { MEDIA_TOKEN_TTL_SECONDS, mediaGrant, mintMediaToken } from "../../../platform/livekit-tokens";
import { ROLE_ATTRIBUTE } from "../../../contract/calls";
import { mediaToken } from "../../../contract/media-token";

const SERVER: LiveKitServer = {
  regionId: "us-east",
  url: "ws://127.0.0.1:7880",
  apiKey: "APItest",
  apiSecret: "a-test-secret-of-32-characters!!",
};
const ROOM = "CH" + "a".repeat(32);
const verify = (token: string) => new TokenVerifier(SERVER.apiKey, SERVER.apiSecret).verify(token);

/** What no role may ever do: make, list, administer or record rooms, send data (but a customer's keypad tones), rename itself. */
const NEVER = {
  roomCreate: false,
  roomList: false,
  roomAdmin: false,
  roomRecord: false,
  canPublishData: false,
  canUpdateOwnMetadata: false,
};
/** What every role's token does: join the one room, and hear and see the others. */
const JOINS = { ...NEVER, roomJoin: true, room: ROOM, canSubscribe: true };

describe("media tokens", () => {
  it("let a customer join their conversation's room, publish microphone, camera, screen share and keypad tones only, and subscribe", async () => {
    const minted = await mintMediaToken(SERVER, { role: "customer", room: ROOM, identity: "WVvisitor", name: "Casey" });
    expect(minted).toMatchObject({ url: SERVER.url, room: ROOM, identity: "WVvisitor" });
    // What the browser reads: the contract's shape, nothing more.
    expect(mediaToken.parse(minted)).toEqual(minted);
    const claims = await verify(minted.token);
    expect(claims.sub).toBe("WVvisitor");
    expect(claims.iss).toBe("APItest");
    expect(claims.name).toBe("Casey");
    expect(claims.attributes).toEqual({ [ROLE_ATTRIBUTE]: "customer" });
    // canPublishData: DTMF travels as a data packet (livekit-client's publishDtmf), for a flow's gather.
    expect(claims.video).toEqual({
      ...JOINS,
      canPublish: true,
      canPublishData: true,
      canPublishSources: ["microphone", "camera", "screen_share"],
    });
  });

  it("let an agent publish audio, video and screen share (with its audio) and subscribe", async () => {
    const claims = await verify((await mintMediaToken(SERVER, { role: "agent", room: ROOM, identity: "WKada", name: "Ada" })).token);
    expect(claims.video).toEqual({
      ...JOINS,
      canPublish: true,
      canPublishSources: ["microphone", "camera", "screen_share", "screen_share_audio"],
    });
    expect(claims.attributes).toEqual({ [ROLE_ATTRIBUTE]: "agent" });
  });

  it("let a monitor join hidden and subscribe, and publish nothing, no data either; a monitor has no display name", async () => {
    const claims = await verify(
      (await mintMediaToken(SERVER, { role: "monitor", room: ROOM, identity: "monitor:USsue", name: "Sue" })).token,
    );
    expect(claims.video).toEqual({ ...JOINS, canPublish: false, hidden: true });
    expect(claims.name).toBeUndefined();
    expect(claims.attributes).toEqual({ [ROLE_ATTRIBUTE]: "monitor" });
  });

  it("let a supervisor who whispers or barges publish their microphone only, seen, and subscribe", async () => {
    const claims = await verify(
      (await mintMediaToken(SERVER, { role: "supervisor", room: ROOM, identity: "supervisor:USsue", name: "Sue" })).token,
    );
    expect(claims.video).toEqual({ ...JOINS, canPublish: true, canPublishSources: ["microphone"] });
    expect(claims.video?.hidden).toBeUndefined();
    expect(claims.name).toBe("Sue");
  });

  it("let the hold-music player publish microphone-source audio only and hear no one", async () => {
    const claims = await verify((await mintMediaToken(SERVER, { role: "hold", room: ROOM, identity: "hold:CA1" })).token);
    expect(claims.video).toEqual({ ...JOINS, canSubscribe: false, canPublish: true, canPublishSources: ["microphone"] });
  });

  it("let a flow's voice publish microphone-source audio only and hear the caller", async () => {
    const claims = await verify((await mintMediaToken(SERVER, { role: "voice", room: ROOM, identity: `voice:${ROOM}` })).token);
    expect(claims.video).toEqual({ ...JOINS, canPublish: true, canPublishSources: ["microphone"] });
    expect(claims.attributes).toEqual({ [ROLE_ATTRIBUTE]: "voice" });
  });

  it("expire after ten minutes, and say when in expires_at", async () => {
    const before = Math.floor(Date.now() / 1000);
    const minted = await mintMediaToken(SERVER, { role: "agent", room: ROOM, identity: "WKada" });
    const claims = await verify(minted.token);
    expect(claims.exp! - claims.nbf!).toBe(MEDIA_TOKEN_TTL_SECONDS);
    expect(MEDIA_TOKEN_TTL_SECONDS).toBe(600);
    expect(claims.exp).toBeGreaterThanOrEqual(before + 600);
    expect(minted.expires_at).toBe(new Date(claims.exp! * 1000).toISOString());
  });

  it("are refused by a verifier with another secret (LiveKit's server checks the same way)", async () => {
    const { token } = await mintMediaToken(SERVER, { role: "customer", room: ROOM, identity: "WVvisitor" });
    await expect(new TokenVerifier(SERVER.apiKey, "another-secret-of-32-characters!").verify(token)).rejects.toThrow();
  });

  it("grant the customer's sources as LiveKit's TrackSource values", () => {
    expect(mediaGrant("customer", ROOM).canPublishSources).toEqual([TrackSource.MICROPHONE, TrackSource.CAMERA, TrackSource.SCREEN_SHARE]);
  });
});
