/** The README's TaskRouter example, step for step, with the stock client: it must keep working. */
import { expect, inject, it } from "vitest";
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

it("runs the README's Conversations example with the stock client", async () => {
  const client = switchboardClient();
  client.conversations.baseUrl = `${inject("baseUrl")}/conversations`;
  await client.taskrouter.v1.workspaces.create({ friendlyName: "Conversations example", template: "FIFO" });
  const conversation = await client.conversations.v1.conversations.create({ friendlyName: "Order 1042" });
  await client.conversations.v1.conversations(conversation.sid).participants.create({
    "messagingBinding.address": "+15551234567",
    "messagingBinding.proxyAddress": "+15557654321",
  });
  await client.conversations.v1.conversations(conversation.sid).messages.create({ author: "ada", body: "Your order has shipped" });
  const messages = await client.conversations.v1.conversations(conversation.sid).messages.list();
  expect(messages.map((m) => [m.author, m.body])).toEqual([["ada", "Your order has shipped"]]);
  const participants = await client.conversations.v1.conversations(conversation.sid).participants.list();
  expect(participants.map((p) => p.messagingBinding)).toEqual([{ type: "sms", address: "+15551234567", proxy_address: "+15557654321" }]);
});
