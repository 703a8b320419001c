/**
 * The small "unverified" mark next to a name or detail a web visitor typed themselves (the pre-chat
 * form): the header, the incoming panel, the task list and the customer panel show it, so an agent
 * never mistakes someone's claim for a known customer. The hint says why, on hover and to screen readers.
 */
import { useStrings } from "../desktop-context";
import { ensureTaskStyles } from "./styles";

export function UnverifiedBadge() {
  const t = useStrings();
  ensureTaskStyles();
  return (
    <span className="sb-badge" data-tone="warning" title={t("customer.unverified.hint")}>
      {t("customer.unverified")}
    </span>
  );
}
