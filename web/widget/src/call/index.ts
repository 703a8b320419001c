/**
 * The widget's call chunk (web/public/widget-call.js): everything a call needs that a chat does not —
 * `livekit-client`, the call panel (timer, mute, camera, screen share, keypad, devices, hang up, the agent's video
 * and the customer's self-view) and its styles. widget.js `import()`s it only when the customer presses
 * Call or Video, or joins an agent's call, so a visitor who only chats never downloads it
 * (scripts/build-web.mjs builds and measures it on its own). The conversation's call state stays
 * widget.js's (calls.ts): this chunk is told each change (`update`) and says when the customer hangs up or
 * the room is gone for good.
 */
import { Room, RoomEvent, Track, type RemoteTrack } from "livekit-client";
import type { CallKind, CallRecord, MediaToken } from "../../../../contract/calls";
import { callStatus } from "../call-state";
import { callTexts as t, texts } from "../texts";

/** The line of a live call's state, in the call bar (here, so widget.js carries none of its words). */
export const statusOf = (call: CallRecord): string => callStatus(call, { ...texts, ...t });
import { CallPanel } from "./panel";

export interface CallOptions {
  readonly media: MediaToken;
  readonly kind: CallKind;
  /** Where the panel goes, inside the widget's Shadow DOM. */
  readonly mount: HTMLElement;
  /** The customer pressed Hang up (the widget asks the server to end the call for everyone). */
  readonly onHangUp: () => void;
  /** The room is gone without `leave()` (removed, the room closed, the connection lost for good). */
  readonly onGone: (why: string | null) => void;
  /** A line for the widget's status bar (reconnecting, a device refused), null to clear it. */
  readonly onNotice: (text: string | null) => void;
}

export interface CallSession {
  /** The call's record changed (its state, when an agent joined). */
  update(call: CallRecord): void;
  /** Leaves the room and takes the panel away; harmless twice. */
  leave(): Promise<void>;
}

/**
 * Joins the call's room with the customer's token: the microphone (and the camera for a video call),
 * remote audio played (hold music, the agent), the agent's camera in the tile. Call it from the click
 * that asked for the call: `startAudio()` needs that gesture; without it a button offers to turn the audio on.
 * @example const session = await joinCall({ media, kind: "video", mount, onHangUp, onGone, onNotice });
 */
export async function joinCall(options: CallOptions): Promise<CallSession> {
  const { media, kind, mount, onNotice } = options;
  const room = new Room({ adaptiveStream: true, dynacast: true });
  let leaving = false;
  const panel = new CallPanel(mount, kind, {
    onMute: (muted) => void room.localParticipant.setMicrophoneEnabled(!muted).catch(refused(t.microphone)),
    onCamera: (off) => void room.localParticipant.setCameraEnabled(!off).catch(refused(t.camera)),
    onShare: (on) =>
      void room.localParticipant.setScreenShareEnabled(on).catch((error: unknown) => {
        panel.sharing(false);
        onNotice(error instanceof Error ? error.message : String(error));
      }),
    onDevices: async () => ({
      audioinput: await Room.getLocalDevices("audioinput"),
      videoinput: kind === "video" ? await Room.getLocalDevices("videoinput") : [],
      audiooutput: "setSinkId" in HTMLMediaElement.prototype ? await Room.getLocalDevices("audiooutput") : [],
    }),
    activeDevice: (which) => room.getActiveDevice(which) ?? "",
    onDevice: (which, id) => void room.switchActiveDevice(which, id).catch(refused(which === "videoinput" ? t.camera : t.microphone)),
    onPlayAudio: () => void room.startAudio(),
    onDigit: (digit, code) =>
      void room.localParticipant
        .publishDtmf(code, digit)
        .catch((error: unknown) => onNotice(error instanceof Error ? error.message : String(error))),
    onHangUp: options.onHangUp,
  });

  function refused(what: string) {
    return (error: unknown) => {
      console.warn(`Switchboard widget: ${what}`, error);
      onNotice(t.noDevice(what));
    };
  }

  room
    .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind === Track.Kind.Audio) panel.playAudio(track.attach());
      else if (track.kind === Track.Kind.Video) track.attach(panel.agentVideo(true));
    })
    .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
      for (const element of track.detach()) if (element.tagName === "AUDIO") element.remove();
      if (track.kind === Track.Kind.Video) panel.agentVideo(false);
    })
    .on(RoomEvent.LocalTrackPublished, (publication) => {
      if (publication.source === Track.Source.Camera) publication.track?.attach(panel.selfView(true));
      if (publication.source === Track.Source.ScreenShare) panel.sharing(true);
    })
    .on(RoomEvent.LocalTrackUnpublished, (publication) => {
      if (publication.source === Track.Source.ScreenShare) panel.sharing(false); // also when the browser's own "Stop sharing" ends it
    })
    .on(RoomEvent.TrackMuted, (publication, participant) => {
      if (participant === room.localParticipant && publication.source === Track.Source.Camera) panel.selfView(false);
    })
    .on(RoomEvent.TrackUnmuted, (publication, participant) => {
      if (participant === room.localParticipant && publication.source === Track.Source.Camera) panel.selfView(true);
    })
    .on(RoomEvent.AudioPlaybackStatusChanged, () => panel.audioBlocked(!room.canPlaybackAudio))
    .on(RoomEvent.Reconnecting, () => onNotice(t.reconnecting))
    .on(RoomEvent.Reconnected, () => onNotice(null))
    .on(RoomEvent.Disconnected, () => {
      panel.remove();
      if (!leaving) options.onGone(null);
    });

  try {
    await room.connect(media.url, media.token);
  } catch (error) {
    panel.remove();
    throw error;
  }
  await room.startAudio().catch(() => undefined); // blocked without a gesture: the panel's button offers it
  panel.audioBlocked(!room.canPlaybackAudio);
  await room.localParticipant.setMicrophoneEnabled(true).catch(refused(t.microphone));
  if (kind === "video") await room.localParticipant.setCameraEnabled(true).catch(refused(t.camera));

  return {
    update: (call) => panel.update(call),
    async leave() {
      if (leaving) return;
      leaving = true;
      panel.remove();
      await room.disconnect();
    },
  };
}
