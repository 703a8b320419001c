/**
 * The lines under a transcript: who is typing (announced politely) and, while the socket is down, that
 * the desk is reconnecting — the agent's chat and a supervisor's live view say it the same way.
 */
import { useStrings } from "../desktop-context";
import type { ChatState } from "./chat-state";

/** @example <ChatStatus state={state} /> */
export function ChatStatus({ state }: { readonly state: ChatState }) {
  const t = useStrings();
  return (
    <>
      <p className="sb-chat__typing" aria-live="polite">
        {state.typing ? t("chat.typing", { name: state.typing.name }) : ""}
      </p>
      {state.connection === "reconnecting" && (
        <p className="sb-chat__status" role="status">
          {t("header.connection.offline")}
        </p>
      )}
    </>
  );
}
