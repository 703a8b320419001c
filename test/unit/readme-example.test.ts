/** The README's routing example must keep working as written. */
import { expect, it, vi } from "vitest";

it("routes the Spanish-speaking support task to the agent who speaks Spanish", async () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const { reservations } = await import("../../examples/route-a-task");
  expect(reservations).toEqual([{ taskSid: "WT" + "1".repeat(32), workerSid: "WK" + "2".repeat(32), channel: "chat" }]);
  expect(log).toHaveBeenCalledWith("workflow.entered → workflow.target-matched → task-queue.entered");
  log.mockRestore();
});
