/** The extras of a message in the chat log (see message-extras.ts): placeholders, form answers, reactions, where the customer came from. */
import type { TranslateFn } from "../desktop-context";
import type { MessageRecord } from "./chat-state";
import { messageExtras, type MessageExtra } from "./message-extras";

function Extra({ extra, t }: { extra: MessageExtra; t: TranslateFn }) {
  switch (extra.kind) {
    case "unsupported":
      return <p className="sb-chat__extra">{t("chat.message.unsupported", { type: extra.type, reason: extra.reason })}</p>;
    case "form":
      return (
        <dl className="sb-chat__form" role="group" aria-label={t("chat.message.form")}>
          {extra.answers.map(({ name, value }) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      );
    case "reaction":
      return <p className="sb-chat__reaction">{t("chat.message.reaction", { emoji: extra.emoji })}</p>;
    case "ad":
      return <p className="sb-chat__extra">{t("chat.message.referral.ad", { title: extra.title })}</p>;
    case "link":
      return <p className="sb-chat__extra">{t("chat.message.referral.link", { ref: extra.ref })}</p>;
    case "optin":
      return <p className="sb-chat__extra">{t("chat.message.optin", { title: extra.title })}</p>;
    default: {
      const never: never = extra;
      return never;
    }
  }
}

export function MessageExtras({ message, t }: { message: MessageRecord; t: TranslateFn }) {
  return (
    <>
      {messageExtras(message).map((extra, i) => (
        <Extra key={`${extra.kind}:${i}`} extra={extra} t={t} />
      ))}
    </>
  );
}
