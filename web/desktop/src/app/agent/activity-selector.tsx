/**
 * The agent's activity (Available, Break, Offline …): a labelled select whose change goes through the
 * SetActivity action → the `set-activity` command. Activity names are workspace data, shown as they are.
 */
import { useId, useState } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import type { HelloActivity as ActivityInfo } from "../../../../../contract/realtime-frames";

export function ActivitySelector({
  activities,
  activitySid,
  disabled,
}: {
  activities: readonly ActivityInfo[];
  activitySid: string | null;
  disabled?: boolean;
}) {
  const desktop = useDesktop();
  const t = useStrings();
  const id = useId();
  const [busy, setBusy] = useState(false);
  return (
    <div className="sb-field-inline">
      <label htmlFor={id}>{t("header.activity")}</label>
      <select
        id={id}
        value={activitySid ?? ""}
        disabled={disabled || busy || activities.length === 0}
        data-available={activities.find((a) => a.sid === activitySid)?.available ?? false}
        onChange={(event) => {
          setBusy(true);
          void desktop.Actions.invokeAction("SetActivity", { activitySid: event.target.value })
            .catch(() => undefined)
            .finally(() => setBusy(false));
        }}
      >
        {activitySid === null && <option value="">—</option>}
        {activities.map((activity) => (
          <option key={activity.sid} value={activity.sid}>
            {activity.friendly_name}
          </option>
        ))}
      </select>
    </div>
  );
}
