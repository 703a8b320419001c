/**
 * The call panel's DOM (in the call chunk, under the widget's call bar): the agent's video and the
 * customer's self-view (video calls), the timer, the controls — mute, camera and screen share (video
 * calls), a small devices menu (microphone, camera, and the speaker where the browser can choose one),
 * hang up — and the hidden audio elements that play the agent and the hold music. It renders and
 * reports; the room is call/index.ts's. Its styles come with it, so widget.js carries none of them.
 */
import type { CallKind, CallRecord } from "../../../../contract/calls";
import { formatDuration } from "../call-state";
import { callTexts as t, texts } from "../texts";

export type DeviceKind = "audioinput" | "videoinput" | "audiooutput";

export interface PanelHandlers {
  readonly onMute: (muted: boolean) => void;
  readonly onCamera: (off: boolean) => void;
  readonly onShare: (on: boolean) => void;
  /** The devices to offer, per kind (an empty list: that menu is left out). */
  readonly onDevices: () => Promise<Record<DeviceKind, readonly MediaDeviceInfo[]>>;
  readonly activeDevice: (kind: DeviceKind) => string;
  readonly onDevice: (kind: DeviceKind, deviceId: string) => void;
  readonly onPlayAudio: () => void;
  readonly onHangUp: () => void;
}

const styles = `
.call{display:flex;flex-direction:column;gap:6px;padding:8px 10px;background:#0d1117;color:#f0f6fc}
.tiles{position:relative;background:#000;border-radius:8px;aspect-ratio:16/9;overflow:hidden}
.tiles video{width:100%;height:100%;object-fit:cover;display:block}
.tiles .self{position:absolute;width:30%;height:auto;right:6px;bottom:6px;border:2px solid #f0f6fc;border-radius:6px;aspect-ratio:4/3}
.controls{display:flex;align-items:center;gap:6px}
.timer{font-variant-numeric:tabular-nums;margin-inline-end:auto;font-weight:600}
.controls button,.call .play{width:36px;height:36px;border-radius:50%;background:#30363d;color:#f0f6fc;display:grid;place-items:center}
.controls button[aria-pressed=true]{background:#f0f6fc;color:#0d1117}
.controls .hangup{background:#cf222e;width:48px;border-radius:18px}
.controls svg{width:18px;height:18px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.devices{display:flex;flex-direction:column;gap:6px;padding:6px 0}
.devices label{display:flex;flex-direction:column;gap:2px;font-size:12px}
.devices select{background:#161b22;color:#f0f6fc;border:1px solid #484f58;border-radius:6px;padding:4px}
.call .play{width:auto;border-radius:6px;padding:0 12px;background:#f0f6fc;color:#0d1117;font-weight:600}
.call button:focus-visible,.call select:focus-visible{outline:2px solid #58a6ff;outline-offset:2px}
`;

const svg = (paths: string) => `<svg viewBox="0 0 24 24" aria-hidden="true">${paths}</svg>`;
const ICONS = {
  mic: svg('<rect x="9" y="2" width="6" height="12" rx="3"/><path d="M5 10a7 7 0 0 0 14 0M12 17v5"/>'),
  camera: svg('<rect x="2" y="6" width="14" height="12" rx="2"/><path d="M16 10l6-4v12l-6-4"/>'),
  screen: svg('<rect x="2" y="3" width="20" height="14" rx="2"/><path d="M8 21h8M12 17v4"/>'),
  devices: svg('<circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2"/>'),
  hangup: svg('<path d="M3 15c5-5 13-5 18 0l-2 3-4-2v-3c-2-.7-4-.7-6 0v3l-4 2z"/>'),
};

function button(label: string, icon: string, extra: Record<string, string> = {}): HTMLButtonElement {
  const el = document.createElement("button");
  el.type = "button";
  el.setAttribute("aria-label", label);
  el.title = label;
  for (const [name, value] of Object.entries(extra)) el.setAttribute(name, value);
  el.innerHTML = icon;
  return el;
}

export class CallPanel {
  private readonly root = document.createElement("div");
  private readonly timer = document.createElement("span");
  private readonly tiles = document.createElement("div");
  private readonly agent = document.createElement("video");
  private readonly self = document.createElement("video");
  private readonly share: HTMLButtonElement | null;
  private readonly devices = document.createElement("div");
  private readonly play = document.createElement("button");
  private readonly sounds = document.createElement("div");
  private connectedAt: number | null = null;
  private readonly tick: ReturnType<typeof setInterval>;

  constructor(
    mount: HTMLElement,
    kind: CallKind,
    private readonly on: PanelHandlers,
  ) {
    const style = document.createElement("style");
    style.textContent = styles;
    this.root.className = "call";

    this.tiles.className = "tiles";
    this.tiles.hidden = kind !== "video";
    this.agent.setAttribute("aria-label", t.agentVideo);
    this.agent.autoplay = this.agent.playsInline = true;
    this.agent.hidden = true;
    this.self.className = "self";
    this.self.setAttribute("aria-label", t.selfView);
    this.self.autoplay = this.self.playsInline = this.self.muted = true;
    this.self.hidden = true;
    this.tiles.append(this.agent, this.self);

    this.timer.className = "timer";
    this.timer.setAttribute("aria-label", t.duration);
    this.timer.setAttribute("role", "timer");
    this.timer.textContent = formatDuration(0);

    const mute = button(t.mute, ICONS.mic, { "aria-pressed": "false" });
    mute.addEventListener("click", () => {
      const muted = mute.getAttribute("aria-pressed") !== "true";
      mute.setAttribute("aria-pressed", String(muted));
      mute.setAttribute("aria-label", muted ? t.unmute : t.mute);
      mute.title = muted ? t.unmute : t.mute;
      on.onMute(muted);
    });
    const controls = document.createElement("div");
    controls.className = "controls";
    controls.setAttribute("role", "toolbar");
    controls.setAttribute("aria-label", t.callControls);
    controls.append(this.timer, mute);

    if (kind === "video") {
      const camera = button(t.cameraOff, ICONS.camera, { "aria-pressed": "false" });
      camera.addEventListener("click", () => {
        const off = camera.getAttribute("aria-pressed") !== "true";
        camera.setAttribute("aria-pressed", String(off));
        camera.setAttribute("aria-label", off ? t.cameraOn : t.cameraOff);
        camera.title = off ? t.cameraOn : t.cameraOff;
        on.onCamera(off);
      });
      this.share = button(t.shareScreen, ICONS.screen, { "aria-pressed": "false" });
      this.share.addEventListener("click", () => on.onShare(this.share!.getAttribute("aria-pressed") !== "true"));
      controls.append(camera, this.share);
    } else this.share = null;

    const devicesButton = button(t.devices, ICONS.devices, { "aria-expanded": "false", "aria-controls": "sb-devices" });
    this.devices.className = "devices";
    this.devices.id = "sb-devices";
    this.devices.hidden = true;
    devicesButton.addEventListener("click", () => void this.toggleDevices(devicesButton));

    const hangUp = button(texts.hangUp, ICONS.hangup, { class: "hangup" });
    hangUp.addEventListener("click", () => on.onHangUp());
    controls.append(devicesButton, hangUp);

    this.play.type = "button";
    this.play.className = "play";
    this.play.textContent = t.playAudio;
    this.play.hidden = true;
    this.play.addEventListener("click", () => on.onPlayAudio());
    this.sounds.hidden = true;

    this.root.append(style, this.tiles, controls, this.devices, this.play, this.sounds);
    mount.append(this.root);
    this.tick = setInterval(() => this.showTime(), 1000);
  }

  /** The call changed: the timer counts from the agent's joining. */
  update(call: CallRecord): void {
    this.connectedAt = call.date_connected === null ? null : Date.parse(call.date_connected);
    this.showTime();
  }

  private showTime(): void {
    this.timer.textContent = formatDuration(this.connectedAt === null ? 0 : Date.now() - this.connectedAt);
  }

  /** A remote audio track's element (the agent, the hold music): played, never shown. */
  playAudio(element: HTMLMediaElement): void {
    this.sounds.append(element);
  }

  /** The agent's video tile, shown or hidden; answers its element for the track to attach to. */
  agentVideo(shown: boolean): HTMLVideoElement {
    this.agent.hidden = !shown;
    return this.agent;
  }

  selfView(shown: boolean): HTMLVideoElement {
    this.self.hidden = !shown;
    return this.self;
  }

  sharing(on: boolean): void {
    if (!this.share) return;
    this.share.setAttribute("aria-pressed", String(on));
    this.share.setAttribute("aria-label", on ? t.stopSharing : t.shareScreen);
    this.share.title = on ? t.stopSharing : t.shareScreen;
  }

  /** The browser blocked audio until a gesture: a button turns it on. */
  audioBlocked(blocked: boolean): void {
    this.play.hidden = !blocked;
  }

  private async toggleDevices(toggle: HTMLButtonElement): Promise<void> {
    const open = this.devices.hidden;
    toggle.setAttribute("aria-expanded", String(open));
    if (!open) {
      this.devices.hidden = true;
      return;
    }
    const lists = await this.on.onDevices();
    const labels: Record<DeviceKind, string> = { audioinput: t.microphone, videoinput: t.camera, audiooutput: t.speaker };
    this.devices.replaceChildren();
    for (const which of ["audioinput", "videoinput", "audiooutput"] as const) {
      if (lists[which].length === 0) continue;
      const select = document.createElement("select");
      const active = this.on.activeDevice(which);
      for (const [i, device] of lists[which].entries()) {
        const option = new Option(device.label || `${labels[which]} ${i + 1}`, device.deviceId);
        option.selected = device.deviceId === active;
        select.append(option);
      }
      select.addEventListener("change", () => this.on.onDevice(which, select.value));
      const label = document.createElement("label");
      label.append(labels[which], select);
      this.devices.append(label);
    }
    this.devices.hidden = false;
    this.devices.querySelector("select")?.focus();
  }

  remove(): void {
    clearInterval(this.tick);
    this.root.remove();
  }
}
