/**
 * This desk's side of a call's media: one LiveKit room joined with `livekit-client`, as an external store
 * for React (where the connection stands, microphone and camera, the devices and the ones picked, each
 * side's network quality, who else is in the room and what they show). livekit-client is imported only
 * when a call is joined (`import("livekit-client")`: its own chunk, outside the desk's initial JS).
 * The others' audio plays through elements this module keeps out of sight; the speaker picked is
 * LiveKit's `audiooutput` device. A supervisor whispering publishes with track permissions that let only
 * the agent subscribe (call-view.ts's supervisorJoin). Each joined room is also listed on
 * `window.__sbCallRooms` (by room name) so the browser tests and the benchmark can read WebRTC statistics.
 */
import type { ConnectionQuality, Room } from "livekit-client";
import { ROLE_ATTRIBUTE, type MediaRole, type MediaToken } from "../../../../../contract/calls";
import type { MediaStatus } from "./call-view";

export const DEVICE_KINDS = ["audioinput", "videoinput", "audiooutput"] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export type Quality = `${ConnectionQuality}`;

export interface MediaDevice {
  readonly id: string;
  readonly label: string;
}

/** Someone else in the room, as this desk sees them (a hidden monitor is not). */
export interface RoomParty {
  readonly identity: string;
  readonly name: string;
  readonly role: MediaRole | null;
  readonly quality: Quality;
  readonly speaking: boolean;
  /** Which of their video tracks this desk receives. */
  readonly camera: boolean;
  readonly screen: boolean;
}

export interface CallMediaState {
  readonly status: MediaStatus;
  readonly error: string | null;
  readonly micOn: boolean;
  readonly cameraOn: boolean;
  readonly devices: Readonly<Record<DeviceKind, readonly MediaDevice[]>>;
  /** The device picked per kind; "" is the system's default. */
  readonly selected: Readonly<Record<DeviceKind, string>>;
  readonly quality: Quality;
  readonly parties: readonly RoomParty[];
}

export interface JoinOptions {
  /** Publish the microphone (not a monitor). */
  readonly microphone: boolean;
  /** Publish the camera too (an agent on a video call). */
  readonly camera: boolean;
  /** Only these identities may subscribe to what this desk publishes (a whisper); null: everyone. */
  readonly onlyHeardBy: readonly string[] | null;
}

export interface CallMedia {
  getState(): CallMediaState;
  subscribe(listener: () => void): () => void;
  /** Joins the room with the token (loads livekit-client first); a failure is the state's `failed`. */
  join(token: MediaToken, options: JoinOptions): Promise<void>;
  setMicrophone(on: boolean): Promise<void>;
  setCamera(on: boolean): Promise<void>;
  selectDevice(kind: DeviceKind, deviceId: string): Promise<void>;
  /** Shows someone's camera or screen (or, identity `null`, this desk's camera) in `element`; returns the undo. */
  attachVideo(identity: string | null, source: "camera" | "screen", element: HTMLVideoElement): () => void;
  leave(): Promise<void>;
  /** Joining could not start (the token was refused): the state's `failed`, with why. */
  fail(error: unknown): void;
}

declare global {
  interface Window {
    __sbCallRooms?: Record<string, Room>;
  }
}

const NO_DEVICES: CallMediaState["devices"] = { audioinput: [], videoinput: [], audiooutput: [] };

export const initialCallMedia: CallMediaState = {
  status: "idle",
  error: null,
  micOn: false,
  cameraOn: false,
  devices: NO_DEVICES,
  selected: { audioinput: "", videoinput: "", audiooutput: "" },
  quality: "unknown",
  parties: [],
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A call's media for this desk; nothing is loaded or joined until `join`.
 * @example
 * const media = createCallMedia();
 * await media.join(await mediaToken(session, "CH…"), { microphone: true, camera: false, onlyHeardBy: null });
 */
export function createCallMedia(load: () => Promise<typeof import("livekit-client")> = () => import("livekit-client")): CallMedia {
  const listeners = new Set<() => void>();
  let state = initialCallMedia;
  let room: Room | null = null;
  let lk: typeof import("livekit-client") | null = null;
  let audioBox: HTMLElement | null = null;
  let left = false;
  /** Each join's number: a leave that finishes after a later join began does not reset its state. */
  let generation = 0;

  const set = (patch: Partial<CallMediaState>): void => {
    state = { ...state, ...patch };
    for (const listener of [...listeners]) listener();
  };

  /** Re-reads who is in the room and what this desk receives of them. */
  const readRoom = (): void => {
    if (!room || !lk) return;
    const { Track } = lk;
    const parties = [...room.remoteParticipants.values()].map((p): RoomParty => {
      const shows = (source: (typeof Track.Source)[keyof typeof Track.Source]) => {
        const publication = p.getTrackPublication(source);
        return !!publication?.track && !publication.isMuted;
      };
      return {
        identity: p.identity,
        name: p.name || p.identity,
        role: (p.attributes[ROLE_ATTRIBUTE] as MediaRole | undefined) ?? null,
        quality: p.connectionQuality,
        speaking: p.isSpeaking,
        camera: shows(Track.Source.Camera),
        screen: shows(Track.Source.ScreenShare),
      };
    });
    const local = room.localParticipant;
    set({ parties, quality: local.connectionQuality, micOn: local.isMicrophoneEnabled, cameraOn: local.isCameraEnabled });
  };

  const readDevices = async (): Promise<void> => {
    if (!lk) return;
    const devices = { ...NO_DEVICES };
    for (const kind of DEVICE_KINDS) {
      try {
        devices[kind] = (await lk.Room.getLocalDevices(kind, false))
          .filter((d) => d.deviceId !== "" && d.deviceId !== "default")
          .map((d, i) => ({ id: d.deviceId, label: d.label || `${kind} ${i + 1}` }));
      } catch {
        devices[kind] = []; // a browser without this kind (no output selection in Firefox) offers none
      }
    }
    set({ devices });
  };

  const acting = async (what: () => Promise<unknown>): Promise<void> => {
    try {
      await what();
      readRoom();
    } catch (error) {
      set({ error: messageOf(error) });
    }
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async join(token, options) {
      left = false;
      generation += 1;
      set({ status: "joining", error: null });
      try {
        lk = await load();
        const { Room: LiveKitRoom, RoomEvent, Track } = lk;
        const joined = new LiveKitRoom({ adaptiveStream: true, dynacast: true });
        room = joined;
        audioBox ??= Object.assign(document.createElement("div"), { hidden: true, className: "sb-call-audio" });
        if (!audioBox.isConnected) document.body.append(audioBox);
        const box = audioBox;
        joined
          .on(RoomEvent.TrackSubscribed, (track) => {
            if (track.kind === Track.Kind.Audio) box.append(track.attach());
            readRoom();
          })
          .on(RoomEvent.TrackUnsubscribed, (track) => {
            track.detach().forEach((element) => element.remove());
            readRoom();
          })
          .on(RoomEvent.ParticipantConnected, readRoom)
          .on(RoomEvent.ParticipantDisconnected, readRoom)
          .on(RoomEvent.ParticipantAttributesChanged, readRoom)
          .on(RoomEvent.TrackMuted, readRoom)
          .on(RoomEvent.TrackUnmuted, readRoom)
          .on(RoomEvent.LocalTrackPublished, readRoom)
          .on(RoomEvent.LocalTrackUnpublished, readRoom)
          .on(RoomEvent.ConnectionQualityChanged, readRoom)
          .on(RoomEvent.ActiveSpeakersChanged, readRoom)
          .on(RoomEvent.MediaDevicesChanged, () => void readDevices())
          .on(RoomEvent.Reconnecting, () => set({ status: "reconnecting" }))
          .on(RoomEvent.Reconnected, () => set({ status: "connected" }))
          .on(RoomEvent.Disconnected, () => {
            if (room === joined) set({ status: "left", parties: [] });
          });
        await joined.connect(token.url, token.token);
        if (left) {
          await joined.disconnect();
          return;
        }
        (window.__sbCallRooms ??= {})[token.room] = joined;
        if (options.onlyHeardBy !== null)
          joined.localParticipant.setTrackSubscriptionPermissions(
            false,
            options.onlyHeardBy.map((participantIdentity) => ({ participantIdentity, allowAll: true })),
          );
        if (options.microphone) await joined.localParticipant.setMicrophoneEnabled(true);
        if (options.camera) await joined.localParticipant.setCameraEnabled(true);
        await joined.startAudio();
        set({ status: "connected" });
        readRoom();
        await readDevices();
      } catch (error) {
        set({ status: "failed", error: messageOf(error) });
      }
    },

    setMicrophone: (on) => acting(async () => room?.localParticipant.setMicrophoneEnabled(on)),
    setCamera: (on) => acting(async () => room?.localParticipant.setCameraEnabled(on)),
    selectDevice: (kind, deviceId) =>
      acting(async () => {
        if (room && deviceId !== "") await room.switchActiveDevice(kind, deviceId);
        set({ selected: { ...state.selected, [kind]: deviceId } });
      }),

    attachVideo(identity, source, element) {
      if (!room || !lk) return () => undefined;
      const wanted = source === "camera" ? lk.Track.Source.Camera : lk.Track.Source.ScreenShare;
      const participant = identity === null ? room.localParticipant : room.remoteParticipants.get(identity);
      const track = participant?.getTrackPublication(wanted)?.track;
      if (!track) return () => undefined;
      track.attach(element);
      return () => void track.detach(element);
    },

    fail: (error) => set({ status: "failed", error: messageOf(error) }),

    async leave() {
      left = true;
      const leavingGeneration = generation;
      const leaving = room;
      room = null;
      if (leaving) {
        for (const [name, r] of Object.entries(window.__sbCallRooms ?? {})) if (r === leaving) delete window.__sbCallRooms![name];
        await leaving.disconnect();
      }
      if (generation !== leavingGeneration) return;
      audioBox?.replaceChildren();
      set({ ...initialCallMedia, devices: state.devices, selected: state.selected, status: "left" });
    },
  };
}
