/** The README's TaskRouter example, step for step, with the stock client: it must keep working. */
import { expect, it } from "vitest";
import { switchboardClient } from "./client";

it("routes a task to the only available worker and accepts the reservation", async () => {
  const client = switchboardClient();
  const ws = await client.taskrouter.v1.workspaces.create({ friendlyName: "Support", template: "FIFO" });
  const [workflow] = await client.taskrouter.v1.workspaces(ws.sid).workflows.list();
  const available = (await client.taskrouter.v1.workspaces(ws.sid).activities.list({ friendlyName: "Available" }))[0]!;
  const worker = await client.taskrouter.v1.workspaces(ws.sid).workers.create({ friendlyName: "ada", activitySid: available.sid });
  const task = await client.taskrouter.v1.workspaces(ws.sid).tasks.create({ workflowSid: workflow!.sid, attributes: "{}" });
  const [reservation] = await client.taskrouter.v1.workspaces(ws.sid).tasks(task.sid).reservations.list();
  expect(reservation!.workerSid).toBe(worker.sid);
  // twilio 6.2.0's list() items lack their SID in the path they would update, so go through the context.
  const accepted = await client.taskrouter.v1
    .workspaces(ws.sid)
    .tasks(task.sid)
    .reservations(reservation!.sid)
    .update({ reservationStatus: "accepted" });
  expect(accepted.reservationStatus).toBe("accepted");
  expect((await client.taskrouter.v1.workspaces(ws.sid).tasks(task.sid).fetch()).assignmentStatus).toBe("assigned");
});
