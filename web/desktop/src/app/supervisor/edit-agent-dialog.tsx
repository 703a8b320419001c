/**
 * The Teams view's edit dialog: an agent's skills (a comma list, shown as removable chips), the
 * capacity of each of their channels and, for an admin of a workspace that uses several regions, the
 * region the agent works in. Save sends only what changed, through the desktop's actions
 * (`UpdateWorkerSkills`, `SetWorkerCapacity`, then `MoveWorker` — last, since an agent who is busy is
 * not moved and the other changes should not wait on that); a refusal is shown from the catalog by its status and
 * the dialog stays open. The design system's modal Dialog: labelled by its title, Escape or Cancel closes
 * it and focus goes back to the button that opened it.
 */
import { useId, useRef, useState } from "react";
import { HttpError } from "../api";
import { useDesktop, useStrings } from "../desktop-context";
import type { FeedWorker } from "./feed";
import { editableSkillsOf, errorKey } from "./format";
import { Dialog } from "../ui";

const splitSkills = (text: string): string[] => [
  ...new Set(
    text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  ),
];

export interface EditAgentDialogProps {
  readonly worker: FeedWorker;
  /** The regions the agent may be moved to (the workspace's, for an admin); none: no region field. */
  readonly regions?: readonly string[];
  readonly onClose: () => void;
}

export function EditAgentDialog({ worker, regions = [], onClose }: EditAgentDialogProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const skillsId = useId();
  const hintId = useId();
  const regionId = useId();
  const [region, setRegion] = useState(worker.region ?? "");
  const movable = regions.length > 1 && worker.region !== undefined;
  const initialSkills = editableSkillsOf(worker);
  const [skillsText, setSkillsText] = useState(initialSkills.join(", "));
  const [capacities, setCapacities] = useState<Record<string, string>>(() =>
    Object.fromEntries(worker.channels.map((c) => [c.task_channel_sid, String(c.configured_capacity)])),
  );
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);

  const skills = splitSkills(skillsText);
  const removeSkill = (skill: string) => setSkillsText(skills.filter((s) => s !== skill).join(", "));

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      if (skills.join("\u0000") !== initialSkills.join("\u0000")) {
        await desktop.Actions.invokeAction("UpdateWorkerSkills", { workerSid: worker.sid, attributes: worker.attributes, skills });
      }
      for (const channel of worker.channels) {
        const value = Number(capacities[channel.task_channel_sid]);
        if (!Number.isInteger(value) || value === channel.configured_capacity) continue;
        await desktop.Actions.invokeAction("SetWorkerCapacity", {
          workerSid: worker.sid,
          taskChannel: channel.task_channel_sid,
          capacity: value,
        });
      }
      if (movable && region !== worker.region) {
        await desktop.Actions.invokeAction("MoveWorker", { workerSid: worker.sid, region });
      }
      onClose();
    } catch (caught) {
      setError(t(errorKey(caught instanceof HttpError ? caught.status : null)));
      setSaving(false);
    }
  };

  return (
    <Dialog
      title={t("supervisor.teams.editTitle", { name: worker.friendly_name })}
      onClose={onClose}
      initialFocus={firstField}
      className="sb-sv-dialog"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label htmlFor={skillsId}>{t("supervisor.teams.skills")}</label>
        <input
          id={skillsId}
          ref={firstField}
          type="text"
          value={skillsText}
          aria-describedby={hintId}
          onChange={(event) => setSkillsText(event.target.value)}
        />
        <p id={hintId} className="sb-sv-hint">
          {t("supervisor.teams.skillsHint")}
        </p>
        <ul className="sb-sv-chips" aria-label={t("supervisor.teams.skills")}>
          {skills.map((skill) => (
            <li key={skill} className="sb-sv-chip">
              <span>{skill}</span>
              <button type="button" aria-label={t("supervisor.teams.removeSkill", { skill })} onClick={() => removeSkill(skill)}>
                ×
              </button>
            </li>
          ))}
        </ul>
        <fieldset>
          <legend>{t("supervisor.teams.capacity")}</legend>
          {worker.channels.map((channel) => {
            const name = channel.task_channel_unique_name ?? channel.task_channel_sid;
            return (
              <label key={channel.task_channel_sid} className="sb-sv-capacity">
                <span>{t("supervisor.teams.capacityFor", { channel: name })}</span>
                <input
                  type="number"
                  min={0}
                  max={50}
                  step={1}
                  inputMode="numeric"
                  value={capacities[channel.task_channel_sid] ?? ""}
                  onChange={(event) => setCapacities((c) => ({ ...c, [channel.task_channel_sid]: event.target.value }))}
                />
              </label>
            );
          })}
        </fieldset>
        {movable && (
          <div className="sb-sv-capacity">
            <label htmlFor={regionId}>{t("supervisor.teams.regionField")}</label>
            <select id={regionId} value={region} onChange={(event) => setRegion(event.target.value)}>
              {regions.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
        )}
        <p role="alert" className="sb-sv-error">
          {error}
        </p>
        <div className="sb-sv-buttons">
          <button type="button" onClick={onClose}>
            {t("app.cancel")}
          </button>
          <button type="submit" className="sb-sv-primary" disabled={saving}>
            {t("app.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
