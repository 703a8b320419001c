/**
 * Teams: every agent of the workspace, live from the supervisor feed — name, activity, time in state
 * (ticking each second from when the activity began), their current tasks (channel, customer, status and
 * time: current-tasks.tsx), tasks in hand per channel (in the workspace's
 * channel order, the same on every row), skills (with Flex's `routing.levels`), languages (a column of
 * their own when anyone has some), team — with filters by team, skill, language and activity (plain selects), an edit button per agent opening the skills /
 * capacity dialog, and the `Supervisor.Teams.Columns` slot for plugins' extra columns (each entry gets
 * `{ worker }` in a row's cell and `{ header: true }` in the header cell).
 */
import { useId, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";
import { CurrentTasks } from "./current-tasks";
import { EditAgentDialog } from "./edit-agent-dialog";
import type { FeedWorker } from "./feed";
import { clock, languagesOf, skillLabel, skillsOf, teamOf } from "./format";

export const TEAMS_SLOT = "Supervisor.Teams.Columns";
const HEADER_PROPS = Object.freeze({ header: true });
/** A filter's "All" value. */
export const ALL = "";

/** Whether plugins put anything in a slot (re-rendering when they change it). */
export function useSlotHasEntries(name: string): boolean {
  const { Slots } = useDesktop();
  return useSyncExternalStore(
    (onChange) => Slots.subscribe((slot) => slot === name && onChange()),
    () => Slots.entries(name).length > 0,
  );
}

/** The non-empty values, once each, in the locale's order: a filter's options. */
export const distinct = (values: readonly (string | null)[]): string[] =>
  [...new Set(values.filter((v): v is string => v !== null && v !== ""))].sort((a, b) => a.localeCompare(b));

interface FilterProps {
  readonly label: string;
  readonly value: string;
  readonly options: readonly string[];
  readonly onChange: (value: string) => void;
}

/** A labelled select of `options` with "All" first. */
export function Filter({ label, value, options, onChange }: FilterProps) {
  const t = useStrings();
  const id = useId();
  return (
    <div className="sb-sv-filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value={ALL}>{t("supervisor.filters.all")}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface TeamsViewProps {
  readonly workers: readonly FeedWorker[];
  /** Whether the workspace uses more than one region: then each agent's region is shown under their name. */
  readonly showRegions?: boolean;
  /** Now, from the view's one-second tick. */
  readonly now: number;
  /** The regions an agent may be moved to from the edit dialog (an admin's, when the workspace uses several). */
  readonly movableTo?: readonly string[];
  /** The task channels the team uses (the feed's `team`): only these are shown; absent: every channel with room. */
  readonly channels?: readonly string[];
}

export function TeamsView({ workers, now, showRegions = false, movableTo = [], channels }: TeamsViewProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const [team, setTeam] = useState(ALL);
  const [skill, setSkill] = useState(ALL);
  const [language, setLanguage] = useState(ALL);
  const [activity, setActivity] = useState(ALL);
  const [editing, setEditing] = useState<string | null>(null);
  const editButtons = useRef(new Map<string, HTMLButtonElement>());
  const extraColumns = useSlotHasEntries(TEAMS_SLOT);

  const teams = useMemo(() => distinct(workers.map(teamOf)), [workers]);
  const skills = useMemo(() => distinct(workers.flatMap(skillsOf)), [workers]);
  const languages = useMemo(() => distinct(workers.flatMap(languagesOf)), [workers]);
  const showLanguages = languages.length > 0;
  const activities = useMemo(() => distinct(workers.map((w) => w.activity_name)), [workers]);
  const shown = workers.filter(
    (w) =>
      (team === ALL || teamOf(w) === team) &&
      (skill === ALL || skillsOf(w).includes(skill)) &&
      (language === ALL || languagesOf(w).includes(language)) &&
      (activity === ALL || w.activity_name === activity),
  );
  const editingWorker = editing === null ? undefined : workers.find((w) => w.sid === editing);

  const closeDialog = () => {
    const sid = editing;
    setEditing(null);
    if (sid) queueMicrotask(() => editButtons.current.get(sid)?.focus());
  };

  return (
    <section className="sb-sv-section" aria-labelledby="sb-sv-teams-title">
      <div className="sb-sv-filters" role="group" aria-label={t("supervisor.teams.title")}>
        <Filter label={t("supervisor.teams.team")} value={team} options={teams} onChange={setTeam} />
        <Filter label={t("supervisor.teams.skills")} value={skill} options={skills} onChange={setSkill} />
        {showLanguages && <Filter label={t("supervisor.teams.languages")} value={language} options={languages} onChange={setLanguage} />}
        <Filter label={t("supervisor.teams.activity")} value={activity} options={activities} onChange={setActivity} />
      </div>
      <div className="sb-sv-scroll">
        <table className="sb-sv-table">
          <caption id="sb-sv-teams-title">
            {t("supervisor.teams.title")} · {t("supervisor.queues.agents", { count: shown.length })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("supervisor.teams.agent")}</th>
              <th scope="col">{t("supervisor.teams.activity")}</th>
              <th scope="col">{t("supervisor.teams.timeInState")}</th>
              <th scope="col">{t("supervisor.teams.currentTasks")}</th>
              <th scope="col">{t("supervisor.teams.tasks")}</th>
              <th scope="col">{t("supervisor.teams.skills")}</th>
              {showLanguages && <th scope="col">{t("supervisor.teams.languages")}</th>}
              <th scope="col">{t("supervisor.teams.team")}</th>
              {extraColumns && (
                <th scope="col">
                  <Slot slots={desktop.Slots} name={TEAMS_SLOT} props={HEADER_PROPS} />
                </th>
              )}
              <th scope="col">
                <span className="sb-sv-visually-hidden">{t("supervisor.teams.editSkills")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={8 + (extraColumns ? 1 : 0) + (showLanguages ? 1 : 0)}>{t("supervisor.teams.empty")}</td>
              </tr>
            )}
            {shown.map((worker) => (
              <WorkerRow
                key={worker.sid}
                worker={worker}
                now={now}
                extraColumns={extraColumns}
                showLanguages={showLanguages}
                showRegion={showRegions}
                {...(channels ? { channels } : {})}
                onEdit={() => setEditing(worker.sid)}
                buttonRef={(element) => {
                  if (element) editButtons.current.set(worker.sid, element);
                  else editButtons.current.delete(worker.sid);
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
      {editingWorker && <EditAgentDialog worker={editingWorker} regions={movableTo} onClose={closeDialog} />}
    </section>
  );
}

interface WorkerRowProps {
  readonly worker: FeedWorker;
  readonly now: number;
  readonly extraColumns: boolean;
  readonly showLanguages: boolean;
  readonly showRegion: boolean;
  readonly channels?: readonly string[];
  readonly onEdit: () => void;
  readonly buttonRef: (element: HTMLButtonElement | null) => void;
}

function WorkerRow({ worker, now, extraColumns, showLanguages, showRegion, channels, onEdit, buttonRef }: WorkerRowProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const slotProps = useMemo(() => ({ worker }), [worker]);
  const skills = skillsOf(worker).map((skill) => skillLabel(worker, skill));
  const languages = languagesOf(worker);
  return (
    <tr data-worker-sid={worker.sid}>
      <th scope="row">
        {worker.friendly_name}
        {showRegion && worker.region && <p className="sb-sv-hint">{t("supervisor.teams.region", { region: worker.region })}</p>}
      </th>
      <td>
        {worker.state ? (
          <span className="sb-state-dot sb-sv-state-dot" data-state={worker.state} aria-hidden="true" />
        ) : (
          <span className={worker.available ? "sb-sv-dot sb-sv-dot-on" : "sb-sv-dot"} aria-hidden="true" />
        )}
        {worker.activity_name ?? "—"}
      </td>
      <td className="sb-sv-num">
        <time>{clock((now - worker.date_status_changed_ms) / 1000)}</time>
      </td>
      <td>
        <CurrentTasks reservations={worker.reservations} />
      </td>
      <td>
        <ChannelLoad worker={worker} {...(channels ? { channels } : {})} />
      </td>
      <td>{skills.length === 0 ? t("supervisor.teams.none") : skills.join(", ")}</td>
      {showLanguages && <td>{languages.length === 0 ? t("supervisor.teams.none") : languages.join(", ")}</td>}
      <td>{teamOf(worker) ?? "—"}</td>
      {extraColumns && (
        <td>
          <Slot slots={desktop.Slots} name={TEAMS_SLOT} props={slotProps} />
        </td>
      )}
      <td>
        <button type="button" ref={buttonRef} onClick={onEdit}>
          {t("supervisor.teams.edit", { name: worker.friendly_name })}
        </button>
      </td>
    </tr>
  );
}

/**
 * A worker's load per channel, as short as a wall screen needs: a line for each channel they hold tasks
 * on ("chat: 1 of 2"), then one line naming the channels where they still have room ("Room: voice 1,
 * email 1") — not a line per channel for a team that left Twilio's default of every channel on.
 */
function ChannelLoad({ worker, channels }: { worker: FeedWorker; channels?: readonly string[] }) {
  const t = useStrings();
  const shown = worker.channels.filter((c) =>
    channels ? channels.includes(c.task_channel_sid) : c.configured_capacity > 0 || c.assigned_tasks + c.reserved_tasks > 0,
  );
  const name = (c: FeedWorker["channels"][number]): string => c.task_channel_unique_name ?? c.task_channel_sid;
  const busy = shown.filter((c) => c.assigned_tasks + c.reserved_tasks > 0);
  const room = shown.filter((c) => c.assigned_tasks + c.reserved_tasks === 0 && c.available && c.configured_capacity > 0);
  if (busy.length === 0 && room.length === 0) return <>{t("supervisor.teams.none")}</>;
  return (
    <ul className="sb-sv-plain">
      {busy.map((c) => (
        <li key={c.task_channel_sid}>
          {t("supervisor.teams.channelLoad", {
            channel: name(c),
            assigned: c.assigned_tasks + c.reserved_tasks,
            capacity: c.configured_capacity,
          })}
        </li>
      ))}
      {room.length > 0 && (
        <li className="sb-sv-hint">
          {t("supervisor.teams.room", { channels: room.map((c) => `${name(c)} ${c.configured_capacity}`).join(", ") })}
        </li>
      )}
    </ul>
  );
}
