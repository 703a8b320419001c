/**
 * Branded SIDs (contract/ids.ts): each kind's one parse, and — checked by `npm run typecheck`, which
 * compiles this file — that a SID of one kind cannot be passed where another is expected, nor a plain
 * string where a checked one is.
 */
import { describe, expect, it } from "vitest";
import { Sids, type TaskSid, type WorkspaceSid } from "../../../contract/ids";
import { commandFrame } from "../../../contract/realtime-frames";

const hex = "0123456789abcdef".repeat(2);

const taskOnly = (sid: TaskSid): string => sid;
const workspaceOnly = (sid: WorkspaceSid): string => sid;

describe("branded SIDs", () => {
  it.each([
    ["task", `WT${hex}`, true],
    ["task", `WS${hex}`, false],
    ["workspace", `WS${hex}`, true],
    ["reservation", `WR${hex.slice(1)}`, false],
    ["conversation", `CH${hex}`, true],
  ] as const)("Sids.%s accepts %s: %s", (kind, value, ok) => {
    expect(Sids[kind].safeParse(value).success).toBe(ok);
  });

  it("parses to a SID of its kind, usable as a string, and not as another kind", () => {
    const task = Sids.task.parse(`WT${hex}`);
    const workspace = Sids.workspace.parse(`WS${hex}`);
    expect(taskOnly(task)).toBe(`WT${hex}`);
    expect(workspaceOnly(workspace).startsWith("WS")).toBe(true);
    // @ts-expect-error a workspace SID is not a task SID
    taskOnly(workspace);
    // @ts-expect-error a task SID is not a workspace SID
    workspaceOnly(task);
    // @ts-expect-error a plain string was never checked
    taskOnly(`WT${hex}`);
  });

  it("the live channel's commands carry branded SIDs", () => {
    const command = commandFrame.parse({ type: "complete", id: 1, task_sid: `WT${hex}` });
    if (command.type !== "complete" || command.task_sid === undefined) throw new Error("not a complete command");
    expect(taskOnly(command.task_sid)).toBe(`WT${hex}`);
    // @ts-expect-error the command's task SID is not a workspace SID
    workspaceOnly(command.task_sid);
  });
});
