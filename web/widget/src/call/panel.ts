/**
 * The call panel's DOM (in the call chunk, under the widget's call bar): the agent's video and the
 * customer's self-view (video calls), the timer, the controls — mute, camera and screen share (video
 * calls), the keypad (a phone menu's digits, call/keypad.ts), a small devices menu (microphone, camera,
 * and the speaker where the browser can choose one), hang up — and the hidden audio elements that play the agent and the hold music. It renders and
 * reports; the room is call/index.ts's. Its styles come with it, so widget.js carries none of them.
 */
import type { CallKind, CallRecord } from "../../../../contract/calls";
import { formatDuration } from "../call-state";
import { callTexts as t, texts } from "../texts";
import { Keypad, keypadStyles, type Digit } from "./keypad";

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
  /** A key of the keypad pressed, with its RFC 4733 code. */
  readonly onDigit: (digit: Digit, code: number) => void;
}

const styles = `
.call{display:flex;flex-direction:column;gap:6px;padding:8px 10px;background:#0d1117;color:#f0f6fc}
.tiles{position:relative;background:#000;border-radius:8px;aspect-ratio:16/9;overflow:hidden}
.tiles video{width:100%;height:100%;object-fit:cover;display:block}
.tiles .self{position:absolute;width:30%;height:auto;right:6px;bottom:6px;border:2px solid #f0f6fc;border-radius:6px;aspect-ratio:4/3}
.controls{display:flex;align-items:center;gap:6px}
.timer{font-variant-numeric:tabular-nums;margin-inline-end:auto;font-weight:600}
.controls button,.call .play{width:36px;height:36px;border-radius:50%;background:#30363d;color:#f0f6fc;display:grid;place-items:center}
.controls button.on{background:#f0f6fc;color:#0d1117}
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
  keypad: svg(
    '<path stroke-width="4" d="M6 4h.01M12 4h.01M18 4h.01M6 10h.01M12 10h.01M18 10h.01M6 16h.01M12 16h.01M18 16h.01M12 21h.01"/>',
  ),
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

/** Whether a toggle (mute, camera off, sharing) is on. */
const isOn = (toggle: HTMLButtonElement): boolean => toggle.classList.contains("on");

/**
 * Sets a toggle on or off: its look, and its name, which says what pressing it does next (so no
 * `aria-pressed` beside a changing name); answers `on`.
 */
function flip(toggle: HTMLButtonElement, on: boolean, offLabel: string, onLabel: string): boolean {
  toggle.classList.toggle("on", on);
  toggle.setAttribute("aria-label", on ? onLabel : offLabel);
  toggle.title = on ? onLabel : offLabel;
  return on;
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
  private readonly keypad: Keypad;
  private connectedAt: number | null = null;
  private readonly tick: ReturnType<typeof setInterval>;

  constructor(
    mount: HTMLElement,
    kind: CallKind,
    private readonly on: PanelHandlers,
  ) {
    const style = document.createElement("style");
    style.textContent = styles + keypadStyles;
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

    const mute = button(t.mute, ICONS.mic);
    mute.addEventListener("click", () => on.onMute(flip(mute, !isOn(mute), t.mute, t.unmute)));
    const controls = document.createElement("div");
    controls.className = "controls";
    controls.setAttribute("role", "toolbar");
    controls.setAttribute("aria-label", t.callControls);
    controls.append(this.timer, mute);

    if (kind === "video") {
      const camera = button(t.cameraOff, ICONS.camera);
      camera.addEventListener("click", () => on.onCamera(flip(camera, !isOn(camera), t.cameraOff, t.cameraOn)));
      this.share = button(t.shareScreen, ICONS.screen);
      this.share.addEventListener("click", () => on.onShare(!isOn(this.share!)));
      controls.append(camera, this.share);
    } else this.share = null;

    this.keypad = new Keypad(on.onDigit);
    const keypadButton = button(t.keypad, ICONS.keypad, { "aria-expanded": "false", "aria-controls": "sb-keypad" });
    const showPad = (open: boolean) => {
      keypadButton.setAttribute("aria-expanded", String(this.keypad.toggle(open)));
      keypadButton.classList.toggle("on", open);
    };
    keypadButton.addEventListener("click", () => showPad(!this.keypad.open));
    this.root.addEventListener("keydown", (event) => {
      if (this.keypad.key(event)) event.preventDefault();
      else if (event.key === "Escape" && this.keypad.open) {
        showPad(false);
        keypadButton.focus();
      }
    });

    const devicesButton = button(t.devices, ICONS.devices, { "aria-expanded": "false", "aria-controls": "sb-devices" });
    this.devices.className = "devices";
    this.devices.id = "sb-devices";
    this.devices.hidden = true;
    devicesButton.addEventListener("click", () => void this.toggleDevices(devicesButton));

    const hangUp = button(texts.hangUp, ICONS.hangup, { class: "hangup" });
    hangUp.addEventListener("click", () => on.onHangUp());
    controls.append(keypadButton, devicesButton, hangUp);

    this.play.type = "button";
    this.play.className = "play";
    this.play.textContent = t.playAudio;
    this.play.hidden = true;
    this.play.addEventListener("click", () => on.onPlayAudio());
    this.sounds.hidden = true;

    this.root.append(style, this.tiles, controls, this.keypad.root, this.devices, this.play, this.sounds);
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
    if (this.share) flip(this.share, on, t.shareScreen, t.stopSharing);
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
