/**
 * The message composer: a textarea (Enter sends, Shift+Enter is a new line, nothing is sent while an IME
 * is composing), attachments, emoji, canned responses and Send. "Internal note" switches it to writing a
 * note only staff see (tinted, and said in the placeholder, so nobody writes to the customer by mistake);
 * a supervisor's view uses the same composer locked to notes (a whisper). Sending and typing go through
 * the SendMessage and SendTyping actions (typing at most once per 2 s). The draft lives in component state
 * — the canvas stays mounted when the agent switches tasks — and in sessionStorage per task, so a reload keeps it.
 */
import { useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";
import type { DesktopSettings } from "../types";
import { Icon, Menu } from "../ui";
import { CannedMenu } from "./canned-menu";
import { TYPING_THROTTLE_MS } from "./conversation-client";

/** The emoji an agent reaches for most, with the names a screen reader says. */
export const EMOJI: readonly (readonly [string, string])[] = [
  ["😊", "smiling face"],
  ["🙂", "slightly smiling face"],
  ["😄", "grinning face"],
  ["😉", "winking face"],
  ["🙏", "folded hands"],
  ["👍", "thumbs up"],
  ["👋", "waving hand"],
  ["🎉", "party popper"],
  ["❤️", "red heart"],
  ["✅", "check mark"],
  ["⏳", "hourglass"],
  ["📦", "package"],
];

const draftKey = (taskSid: string): string => `sb.draft.${taskSid}`;

function readDraft(taskSid: string): string {
  try {
    return globalThis.sessionStorage?.getItem(draftKey(taskSid)) ?? "";
  } catch {
    return ""; // storage disabled: the draft lives in memory only
  }
}
function writeDraft(taskSid: string, draft: string): void {
  try {
    if (draft === "") globalThis.sessionStorage?.removeItem(draftKey(taskSid));
    else globalThis.sessionStorage?.setItem(draftKey(taskSid), draft);
  } catch {
    // storage full or disabled: the in-memory draft still survives switching tasks
  }
}

export interface ComposerProps {
  readonly taskSid: string;
  readonly conversationSid: string;
  readonly disabled: boolean;
  readonly cannedResponses: DesktopSettings["cannedResponses"];
  readonly slotProps: Readonly<Record<string, unknown>>;
  /** `note`: only notes (a supervisor's whisper box); default: replies, with the Internal note switch. */
  readonly only?: "note";
  /** The textarea's label and placeholder instead of the default ("Type a message…"). */
  readonly placeholder?: string;
  /** Whether typing is announced (not from a supervisor who only watches: they are no participant). Default true. */
  readonly announcesTyping?: boolean;
}

export function Composer({
  taskSid,
  conversationSid,
  disabled,
  cannedResponses,
  slotProps,
  only,
  placeholder,
  announcesTyping = true,
}: ComposerProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const [noteMode, setNoteMode] = useState(false);
  const note = only === "note" || noteMode;
  const [draft, setDraftState] = useState(() => readDraft(taskSid));
  const [files, setFiles] = useState<File[]>([]);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const lastTyping = useRef(Number.NEGATIVE_INFINITY);

  const setDraft = (next: string): void => {
    setDraftState(next);
    writeDraft(taskSid, next);
  };

  const typing = (): void => {
    if (!announcesTyping) return;
    const now = Date.now();
    if (now - lastTyping.current < TYPING_THROTTLE_MS) return;
    lastTyping.current = now;
    void desktop.Actions.invokeAction("SendTyping", { conversationSid, ...(note ? { note: true } : {}) }).catch(() => undefined);
  };

  const send = async (): Promise<void> => {
    const body = draft.trim();
    if (disabled || (body === "" && files.length === 0)) return;
    const attachments = files;
    setDraft("");
    setFiles([]);
    let result: unknown;
    try {
      result = await desktop.Actions.invokeAction("SendMessage", { conversationSid, body, attachments, ...(note ? { note: true } : {}) });
    } catch {
      result = undefined; // shown as an ActionFailed notification by the desktop
    }
    if (result === undefined) {
      // Canceled by a plugin or failed: give the agent their text back unless they started a new one.
      setDraftState((current) => {
        const restored = current === "" ? draft : current;
        writeDraft(taskSid, restored);
        return restored;
      });
      setFiles((current) => (current.length === 0 ? attachments : current));
    }
  };

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };
  const insert = (text: string): void => {
    const element = textarea.current;
    const start = element?.selectionStart ?? draft.length;
    const end = element?.selectionEnd ?? draft.length;
    setDraft(draft.slice(0, start) + text + draft.slice(end));
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + text.length, start + text.length);
    });
  };

  return (
    <form className="sb-composer" data-note={note || undefined} onSubmit={onSubmit}>
      <Slot slots={desktop.Slots} name="ChatPanel.Composer" props={slotProps} />
      {files.length > 0 && (
        <ul className="sb-composer__files">
          {files.map((file, i) => (
            <li key={`${i}:${file.name}`}>
              <span>{file.name}</span>
              <button
                type="button"
                aria-label={`${t("app.cancel")}: ${file.name}`}
                onClick={() => setFiles((current) => current.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={textarea}
        rows={2}
        value={draft}
        disabled={disabled}
        aria-label={placeholder ?? t(note ? "chat.note.placeholder" : "chat.composer.placeholder")}
        placeholder={placeholder ?? t(note ? "chat.note.placeholder" : "chat.composer.placeholder")}
        onChange={(event) => {
          setDraft(event.target.value);
          if (event.target.value !== "") typing();
        }}
        onKeyDown={onKeyDown}
      />
      <div className="sb-composer__tools">
        <input
          ref={fileInput}
          type="file"
          hidden
          multiple
          tabIndex={-1}
          onChange={(event) => {
            const picked = [...(event.target.files ?? [])];
            setFiles((current) => [...current, ...picked].slice(0, 10));
            event.target.value = "";
          }}
        />
        {only === undefined && (
          <button
            type="button"
            className="sb-composer__note-switch"
            aria-pressed={noteMode}
            disabled={disabled}
            onClick={() => setNoteMode(!noteMode)}
          >
            <Icon name="lock" /> {t("chat.note.switch")}
          </button>
        )}
        <button type="button" disabled={disabled} onClick={() => fileInput.current?.click()}>
          <Icon name="attach" /> {t("chat.attach")}
        </button>
        {!disabled && (
          <Menu
            label={t("chat.emoji")}
            button={<Icon name="emoji" />}
            align="start"
            columns={6}
            groups={[
              { items: EMOJI.map(([emoji, name]) => ({ key: emoji, label: emoji, ariaLabel: name, onSelect: () => insert(emoji) })) },
            ]}
          />
        )}
        <CannedMenu responses={cannedResponses} disabled={disabled} onInsert={insert} />
        <button type="submit" className="sb-primary" disabled={disabled || (draft.trim() === "" && files.length === 0)}>
          {t(note ? "chat.note.send" : "chat.send")}
        </button>
      </div>
    </form>
  );
}
