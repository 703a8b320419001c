/**
 * What the supervisors' feed says of each task in hand (durable-objects/router/realtime/supervisor-reservations.ts),
 * on a Router over node:sqlite: the conversation and channel from the task's attributes (text only, an
 * empty one is none), the customer by the desk's name rule, and the queue the task went through.
 */
import { expect, it } from "vitest";
import { inHand, reservationView } from "../../../durable-objects/router/realtime/supervisor-reservations";
import { ACCOUNT, EVERYONE, SUPPORT, snapshot, value } from "../../workers/router-fixtures";
import { configuredRouter, createAnn } from "./router-scene";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const CH = "CH" + "c".repeat(32);
const VISITOR = "WV" + "0a".repeat(16);

it.each([
  // the task's attributes → what the feed says (worked out from the rule: text only; the name, else an address)
  [
    { type: "support", conversationSid: CH, channelType: "whatsapp", customers: { name: "Ann Lee" }, from: "whatsapp:+1555" },
    { conversation_sid: CH, channel_type: "whatsapp", customer: "Ann Lee", task_queue_sid: SUPPORT, task_queue_name: "Support" },
  ],
  [
    { type: "support", conversationSid: "", channelType: "web", from: VISITOR },
    { conversation_sid: null, channel_type: "web", customer: null, task_queue_sid: SUPPORT, task_queue_name: "Support" },
  ],
  [
    { type: "support", conversationSid: 42, from: "ann@example.com" },
    { conversation_sid: null, channel_type: null, customer: "ann@example.com", task_queue_sid: SUPPORT, task_queue_name: "Support" },
  ],
  [
    { type: "sales", customerName: "Bo" }, // no support skill needed: the Everyone queue
    { conversation_sid: null, channel_type: null, customer: "Bo", task_queue_sid: EVERYONE, task_queue_name: "Everyone" },
  ],
])("%j → %j", (attributes, expected) => {
  const config = snapshot();
  const { host, router } = configuredRouter(T0, undefined, config);
  const ann = createAnn(router, T0);
  value(router.createTask(ACCOUNT, { attributes: JSON.stringify(attributes) }, T0 + 5000));

  const [held] = inHand(host, ann.worker.sid);
  expect(reservationView(host, config, held!)).toEqual({
    sid: held!.sid,
    task_sid: held!.task_sid,
    status: "pending",
    task_channel_unique_name: "default",
    date_created: "2026-11-25T12:00:05Z",
    ...expected,
  });
});
