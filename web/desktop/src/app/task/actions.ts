/**
 * The task canvas's actions — SendMessage, SendTyping, TransferTask and SendToFlow — and the registry of open
 * conversation sockets they act on. A canvas opens its conversation's socket through
 * {@link conversationSockets} (shared per desktop, reference-counted by conversation SID); the actions
 * find it there by the payload's `conversationSid`, so a plugin can invoke `SendMessage` with just
 * `{ conversationSid, body }` while the task is open. Accept / wrap-up / complete are the shell's.
 */
import type { Desktop, TaskRef } from "../../framework";
import type { DesktopSession, DesktopTask } from "../types";
import { transferConversation, uploadMedia } from "./api";
import { sendToFlow } from "./flows-api";
import { createConversationClient, type ConversationClient, type ConversationClientOptions } from "./conversation-client";

export interface ConversationSockets {
  /** Opens (or shares) the socket of a conversation; call `release` when the canvas unmounts. */
  acquire(conversationSid: string, session: DesktopSession): ConversationClient;
  release(conversationSid: string): void;
  get(conversationSid: string): ConversationClient | undefined;
}

type ClientFactory = (options: ConversationClientOptions) => ConversationClient;
const registries = new WeakMap<Desktop, ConversationSockets>();

/**
 * The desktop's open conversation sockets (created on first use). `factory` is for tests.
 * @example const client = conversationSockets(desktop).acquire("CH…", session);
 */
export function conversationSockets(desktop: Desktop, factory: ClientFactory = createConversationClient): ConversationSockets {
  let registry = registries.get(desktop);
  if (registry) return registry;
  const open = new Map<string, { client: ConversationClient; users: number }>();
  registry = {
    acquire(conversationSid, session) {
      let entry = open.get(conversationSid);
      if (!entry)
        open.set(conversationSid, (entry = { client: factory({ conversationSid, token: (fresh) => session.token(fresh) }), users: 0 }));
      entry.users += 1;
      return entry.client;
    },
    release(conversationSid) {
      const entry = open.get(conversationSid);
      if (!entry || --entry.users > 0) return;
      open.delete(conversationSid);
      entry.client.close();
    },
    get: (conversationSid) => open.get(conversationSid)?.client,
  };
  registries.set(desktop, registry);
  return registry;
}

/** A task as the actions' payloads carry it: the framework's TaskRef plus the desktop's SIDs. */
export type CanvasTaskRef = TaskRef & {
  readonly reservationSid: string;
  readonly taskSid: string;
  readonly conversationSid: string | null;
};

/** @example void desktop.Actions.invokeAction("WrapupTask", { task: taskRef(task) }); */
export const taskRef = (task: DesktopTask): CanvasTaskRef => ({
  sid: task.taskSid,
  channel: task.taskChannel,
  attributes: task.attributes,
  reservationSid: task.reservationSid,
  taskSid: task.taskSid,
  conversationSid: task.conversationSid,
});

const conversationOf = (payload: { conversationSid?: unknown; task?: { attributes?: Readonly<Record<string, unknown>> } }): string => {
  const sid = payload.conversationSid ?? payload.task?.attributes?.conversationSid;
  if (typeof sid !== "string" || !/^CH[0-9a-f]{32}$/.test(sid)) throw new Error("This task has no conversation");
  return sid;
};

/**
 * Registers SendMessage (`{ conversationSid, body, attachments?, clientId?, note? }` → `{ clientId }`; `note:
 * true` is an internal note only staff see), SendTyping (`{ conversationSid, note? }`), TransferTask (`{ task, targetType: "queue" | "worker", targetSid }`)
 * and SendToFlow (`{ task, flowSid, idempotencyKey? }`: the customer goes on with a published flow, the agent's
 * task wraps up; the same key never starts a second execution).
 *
 * @example
 * registerTaskActions(desktop, session);
 * await desktop.Actions.invokeAction("SendMessage", { conversationSid: "CH…", body: "Hi" });
 */
export function registerTaskActions(desktop: Desktop, session: DesktopSession): void {
  const sockets = conversationSockets(desktop);
  const clientFor = (conversationSid: string): ConversationClient => {
    const client = sockets.get(conversationSid);
    if (!client) throw new Error(`Conversation ${conversationSid} is not open in this desktop`);
    return client;
  };

  desktop.Actions.registerAction("SendMessage", async (payload) => {
    const conversationSid = conversationOf(payload);
    const client = clientFor(conversationSid);
    const body = typeof payload.body === "string" ? payload.body : "";
    const files = payload.attachments ?? [];
    if (body.trim() === "" && files.length === 0) throw new Error("Type a message or attach a file");
    const mediaSids: string[] = [];
    for (const file of files) mediaSids.push((await uploadMedia(session, conversationSid, file)).sid);
    const clientId = typeof payload.clientId === "string" ? payload.clientId : undefined;
    return { clientId: client.send(body, { mediaSids, note: payload.note === true, ...(clientId ? { clientId } : {}) }) };
  });

  desktop.Actions.registerAction("SendTyping", (payload) => ({
    sent: sockets.get(conversationOf(payload))?.sendTyping(payload.note === true) ?? false,
  }));

  desktop.Actions.registerAction("TransferTask", async (payload) => {
    const targetType = payload.targetType;
    if (targetType !== "queue" && targetType !== "worker") throw new Error('TransferTask needs targetType "queue" or "worker"');
    return transferConversation(session, conversationOf(payload), targetType, payload.targetSid);
  });

  desktop.Actions.registerAction("SendToFlow", (payload) => {
    if (typeof payload.flowSid !== "string") throw new Error("SendToFlow needs the flowSid of a published flow");
    const key = typeof payload.idempotencyKey === "string" && payload.idempotencyKey !== "" ? payload.idempotencyKey : undefined;
    return sendToFlow(session, conversationOf(payload), payload.flowSid, key);
  });
}
