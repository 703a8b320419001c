/**
 * The ring of a pending reservation: a two-tone pattern made with a WebAudio oscillator (no audio
 * file to load). Browsers only let a page make sound after the user interacted with it, so the ringer
 * arms itself on the first pointer or key press and stays silent before that.
 */

export interface Ringer {
  start(): void;
  stop(): void;
  /** Removes the gesture listeners and closes the audio context. */
  dispose(): void;
}

type AudioContextCtor = new () => AudioContext;

/**
 * @example
 * const ringer = createRinger(window);
 * ringer.start(); // rings every 2 s until stop()
 */
export function createRinger(target: Window | undefined = globalThis.window): Ringer {
  const Ctor =
    (target as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor } | undefined)?.AudioContext ??
    (target as unknown as { webkitAudioContext?: AudioContextCtor } | undefined)?.webkitAudioContext;
  let gestured = false;
  let context: AudioContext | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  const onGesture = () => {
    gestured = true;
    if (context?.state === "suspended") void context.resume();
  };
  target?.addEventListener("pointerdown", onGesture, { capture: true });
  target?.addEventListener("keydown", onGesture, { capture: true });

  const beep = () => {
    if (!gestured || !Ctor) return;
    try {
      context ??= new Ctor();
      const at = context.currentTime;
      for (const [offset, frequency] of [
        [0, 880],
        [0.25, 660],
      ] as const) {
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.type = "sine";
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, at + offset);
        gain.gain.exponentialRampToValueAtTime(0.2, at + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + offset + 0.22);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(at + offset);
        oscillator.stop(at + offset + 0.24);
      }
    } catch {
      // No audio device, or the browser refused: the panel and notification still show the reservation.
    }
  };

  return {
    start() {
      if (timer) return;
      beep();
      timer = setInterval(beep, 2_000);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    dispose() {
      this.stop();
      target?.removeEventListener("pointerdown", onGesture, { capture: true });
      target?.removeEventListener("keydown", onGesture, { capture: true });
      void context?.close().catch(() => undefined);
      context = null;
    },
  };
}
