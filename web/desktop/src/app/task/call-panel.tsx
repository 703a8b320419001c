/**
 * The call panel of the task canvas (issue 15): the agent's side of a voice or video call, above the chat
 * of the same conversation. It joins the conversation's LiveKit room while the call is live and the task is
 * the agent's (call-media.ts; the token from `POST …/media-token`), and shows the call's state and timer
 * (from the call record's `date_connected`), who is in the room and each side's network quality, the
 * customer's camera and screen share and the agent's self-view (video calls), and the controls as one
 * toolbar: mute, hold / resume (`POST …/call/hold`), camera, devices (microphone, camera, speaker), consult
 * and add participant (a warm transfer and a conference, each through the transfer dialog's list), and hang
 * up (`POST …/call/hangup`: the server ends the call and the task goes to wrap-up, whose panel exists).
 * While a consult runs: Complete transfer / Cancel consult. The state line is a polite live region.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { CallRecord } from "../../../../../contract/calls";
import { useStrings } from "../desktop-context";
import type { DesktopSession } from "../types";
import { Badge, Button, Icon, Timer } from "../ui";
import { cancelConsult, completeConsult, hangUp, mediaToken, setHold } from "./call-api";
import type { CallMedia, CallMediaState, DeviceKind, Quality } from "./call-media";
import { DEVICE_KINDS } from "./call-media";
import { callPanelView } from "./call-view";
import { ensureCallStyles } from "./call-styles";
import { useCallMedia } from "./use-call-media";

export interface CallPanelProps {
  readonly conversationSid: string;
  readonly call: CallRecord;
  readonly customerName: string;
  readonly session: DesktopSession;
  /** The task is the agent's now (accepted, not wrapping): only then does the desk join the room. */
  readonly working: boolean;
  /** Opens the target list for a warm transfer or a conference. */
  readonly onPickTarget: (purpose: "consult" | "add") => void;
  /** The consulted target's name, when this desk picked it. */
  readonly consultName?: string | null;
}

/** @example <CallPanel conversationSid="CH…" call={call} customerName="Ann" session={session} working onPickTarget={open} /> */
export function CallPanel({ conversationSid, call, customerName, session, working, onPickTarget, consultName }: CallPanelProps) {
  const t = useStrings();
  const headingId = useId();
  const [attempt, setAttempt] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => ensureCallStyles(), []);

  const live = call.state !== "ended";
  const video = call.kind === "video";
  const { media, state } = useCallMedia({
    join: working && live,
    attempt: String(attempt),
    token: () => mediaToken(session, conversationSid),
    options: { microphone: true, camera: video, onlyHeardBy: null },
  });
  const view = callPanelView(call, state.status);

  const run = (what: () => Promise<unknown>): void => {
    setBusy(true);
    what()
      .then(
        () => setFailure(null),
        (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => setBusy(false));
  };

  const customer = state.parties.find((p) => p.role === "customer") ?? null;
  const others = call.parties.filter((p) => p.identity !== session.user.workerSid);
  const line = t(view.line, { reason: state.error ?? "" });

  return (
    <section className="sb-call" aria-labelledby={headingId} data-state={call.state} data-media={state.status}>
      <div className="sb-call__head">
        <h3 id={headingId}>
          <Icon name={video ? "video" : "call"} /> {t(video ? "call.title.video" : "call.title.voice")}
        </h3>
        <span role="status" aria-live="polite">
          <Badge tone={view.tone}>{line}</Badge>
        </span>
        {view.connectedAt !== null && live && <Timer since={view.connectedAt} label={t("call.duration")} />}
        <ul className="sb-call__quality" aria-label={t("call.quality")}>
          <QualityItem label={t("call.quality.self")} quality={state.quality} t={t} />
          {customer && <QualityItem label={t("call.quality.customer")} quality={customer.quality} t={t} />}
        </ul>
      </div>
      {others.length > 0 && (
        <p className="sb-call__parties">
          <span className="sb-muted">{t("call.parties")}:</span> {others.map((p) => p.name ?? p.identity).join(", ")}
        </p>
      )}
      {call.consult && (
        <p className="sb-call__consult">
          <Icon name="transfer" /> {t("call.consult.with", { target: consultName ?? call.consult.target_sid })}
        </p>
      )}
      {state.micOn === false && state.status === "connected" && live && (
        <p className="sb-call__muted">
          <Icon name="micOff" /> {t("call.muted")}
        </p>
      )}
      {video && state.status === "connected" && <VideoStage media={media} state={state} customerName={customerName} t={t} />}
      <div className="sb-call__controls" role="toolbar" aria-label={t("call.panel", { customer: customerName })}>
        {view.canMute && (
          <Button aria-pressed={!state.micOn} onClick={() => void media.setMicrophone(!state.micOn)}>
            <Icon name={state.micOn ? "mic" : "micOff"} /> {t(state.micOn ? "call.mute" : "call.unmute")}
          </Button>
        )}
        {view.hold && (
          <Button disabled={busy} onClick={() => run(() => setHold(session, conversationSid, view.hold === "hold"))}>
            <Icon name={view.hold} /> {t(view.hold === "hold" ? "call.hold" : "call.resume")}
          </Button>
        )}
        {video && view.canMute && (
          <Button aria-pressed={state.cameraOn} onClick={() => void media.setCamera(!state.cameraOn)}>
            <Icon name={state.cameraOn ? "cameraOff" : "cameraOn"} /> {t(state.cameraOn ? "call.cameraOff" : "call.cameraOn")}
          </Button>
        )}
        {view.canMute && <Devices media={media} state={state} video={video} t={t} />}
        {view.canTransfer && (
          <>
            <Button aria-haspopup="dialog" onClick={() => onPickTarget("consult")}>
              <Icon name="transfer" /> {t("call.consult")}
            </Button>
            <Button aria-haspopup="dialog" onClick={() => onPickTarget("add")}>
              <Icon name="addParticipant" /> {t("call.add")}
            </Button>
          </>
        )}
        {view.consulting && (
          <>
            <Button variant="primary" disabled={busy} onClick={() => run(() => completeConsult(session, conversationSid))}>
              {t("call.consult.complete")}
            </Button>
            <Button disabled={busy} onClick={() => run(() => cancelConsult(session, conversationSid))}>
              {t("call.consult.cancel")}
            </Button>
          </>
        )}
        {view.canRejoin && working && <Button onClick={() => setAttempt((n) => n + 1)}>{t("call.rejoin")}</Button>}
        {view.canHangUp && (
          <Button variant="danger" disabled={busy} onClick={() => run(() => hangUp(session, conversationSid))}>
            <Icon name="hangUp" /> {t("call.hangup")}
          </Button>
        )}
      </div>
      {failure && (
        <p className="sb-call__error" role="alert">
          {t("call.failed", { reason: failure })}
        </p>
      )}
    </section>
  );
}

type T = ReturnType<typeof useStrings>;

function QualityItem({ label, quality, t }: { label: string; quality: Quality; t: T }) {
  return (
    <li data-quality={quality}>
      <Icon name="network" /> {label}: {t(`call.quality.${quality}`)}
    </li>
  );
}

/** The devices as a disclosure: one select per kind this browser lists. */
function Devices({ media, state, video, t }: { media: CallMedia; state: CallMediaState; video: boolean; t: T }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const kinds = DEVICE_KINDS.filter((kind) => kind !== "videoinput" || video);
  // Escape closes the list and gives focus back to its button, as every popup of the desk does.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key !== "Escape" || !open) return;
    event.preventDefault();
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <div className="sb-call__devices" onKeyDown={onKeyDown}>
      <button
        type="button"
        className="sb-button"
        ref={toggle}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="settings" /> {t("call.devices")}
      </button>
      <div id={panelId} className="sb-call__device-list" hidden={!open}>
        {kinds.map((kind) => (
          <DeviceSelect key={kind} kind={kind} media={media} state={state} t={t} />
        ))}
      </div>
    </div>
  );
}

function DeviceSelect({ kind, media, state, t }: { kind: DeviceKind; media: CallMedia; state: CallMediaState; t: T }) {
  const id = useId();
  return (
    <div className="sb-call__device">
      <label htmlFor={id}>{t(`call.device.${kind}`)}</label>
      <select id={id} value={state.selected[kind]} onChange={(event) => void media.selectDevice(kind, event.target.value)}>
        <option value="">{t("call.device.default")}</option>
        {state.devices[kind].map((device) => (
          <option key={device.id} value={device.id}>
            {device.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The customer's camera and screen share, and the agent's self-view. */
function VideoStage({ media, state, customerName, t }: { media: CallMedia; state: CallMediaState; customerName: string; t: T }) {
  const customer = state.parties.find((p) => p.role === "customer") ?? null;
  return (
    <div className="sb-call__stage">
      {customer?.screen && (
        <VideoTile media={media} identity={customer.identity} source="screen" label={t("call.video.screen", { customer: customerName })} />
      )}
      {customer?.camera ? (
        <VideoTile
          media={media}
          identity={customer.identity}
          source="camera"
          label={t("call.video.customer", { customer: customerName })}
        />
      ) : (
        <p className="sb-call__novideo sb-muted">{t("call.video.off")}</p>
      )}
      {state.cameraOn && <VideoTile media={media} identity={null} source="camera" label={t("call.video.self")} self />}
    </div>
  );
}

function VideoTile(props: { media: CallMedia; identity: string | null; source: "camera" | "screen"; label: string; self?: boolean }) {
  const { media, identity, source, label, self } = props;
  const element = useRef<HTMLVideoElement>(null);
  useEffect(() => (element.current ? media.attachVideo(identity, source, element.current) : undefined), [media, identity, source]);
  return (
    <figure className="sb-call__video" data-source={source} data-self={self || undefined}>
      <video ref={element} autoPlay playsInline muted aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
