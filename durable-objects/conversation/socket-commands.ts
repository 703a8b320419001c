/**
 * The conversation socket's wire, validated where it enters: the commands a customer's widget or an
 * agent's desktop sends (zod schemas that `satisfies` the contract's `ConversationCommand`), and the
 * verified identity the Worker puts on the upgrade (`x-switchboard-identity`, set only by the Worker
 * after it checked a token, never forwarded from a client).
 */
import { z } from "zod";
import type { ConversationCommand, ConversationFrame } from "../../contract/conversations";
import { tokenBinding } from "../common/user-access";
import type { SameKinds } from "../../contract/frame-types";

/** The header of the Worker → ConversationDO upgrade that carries the verified identity (JSON). */
export const IDENTITY_HEADER = "x-switchboard-identity";

/** The largest command accepted (a message body is at most 32 KB of text). */
export const MAX_COMMAND_BYTES = 64 * 1024;

const messageSend = z.object({
  type: z.literal("message.send"),
  clientId: z.string().min(1).max(128),
  body: z.string().max(32 * 1024),
  mediaSids: z
    .array(z.string().regex(/^ME[0-9a-f]{32}$/))
    .max(10)
    .optional(),
  note: z.boolean().optional(),
});
const typing = z.object({ type: z.literal("typing"), note: z.boolean().optional() });
const read = z.object({ type: z.literal("read"), index: z.number().int().min(0) });
const bargeJoin = z.object({ type: z.literal("barge.join"), displayName: z.string().trim().min(1).max(128).optional() });
const bargeLeave = z.object({ type: z.literal("barge.leave") });

export const conversationCommand = z.discriminatedUnion("type", [messageSend, typing, read, bargeJoin, bargeLeave]);

// Both directions stay one type: a schema that drifts from the contract fails the build here.
const _commandMatches = (command: z.infer<typeof conversationCommand>): ConversationCommand => command;
void _commandMatches;
// …and every command the contract names has a schema.
true satisfies SameKinds<ConversationCommand["type"], z.infer<typeof conversationCommand>["type"]>;

export const conversationIdentity = z.object({
  accountSid: z.string().min(1),
  workspaceSid: z.string().min(1),
  role: z.enum(["customer", "agent", "supervisor"]),
  /** Customer: the visitor ID; agent: the worker SID; supervisor: their worker SID, or null when they are no worker. */
  identity: z.string().min(1).nullable(),
  displayName: z.string().nullable(),
  /** An agent's or supervisor's token minted for a signed-in user: judged again when the user changes. */
  binding: tokenBinding.optional(),
});
export type ConversationIdentity = z.infer<typeof conversationIdentity>;

/** What a socket keeps in its attachment (survives hibernation): who it is and which participant. */
export const socketState = conversationIdentity.extend({ participantSid: z.string().nullable() });
export type SocketState = z.infer<typeof socketState>;

/**
 * The identity the Worker verified, or null when the header is missing or malformed.
 * @example readIdentity('{"accountSid":"AC…","workspaceSid":"WS…","role":"agent","identity":"WK…","displayName":"Ann"}')
 */
export function readIdentity(header: string | null): ConversationIdentity | null {
  if (header === null) return null;
  try {
    const parsed = conversationIdentity.safeParse(JSON.parse(header));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A client's command, or the `error` frame answering a bad one (the socket stays open). */
export function parseCommand(text: string | ArrayBuffer): ConversationCommand | Extract<ConversationFrame, { type: "error" }> {
  const bad = (message: string, clientId: string | null = null) => ({ type: "error", clientId, status: 400, message }) as const;
  if (typeof text !== "string") return bad("Commands are JSON text frames");
  if (text.length > MAX_COMMAND_BYTES) return bad(`A command is at most ${MAX_COMMAND_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad("A command must be JSON");
  }
  const parsed = conversationCommand.safeParse(json);
  if (parsed.success) return parsed.data;
  const clientId = typeof (json as { clientId?: unknown } | null)?.clientId === "string" ? (json as { clientId: string }).clientId : null;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return bad(`Invalid command: ${where}${issue?.message ?? "not a command"}`, clientId);
}

/** `?since=` of the upgrade: null when absent; -1 when malformed (refused). */
export function sinceOf(text: string | null): number | null {
  if (text === null || text === "") return null;
  return /^\d{1,15}$/.test(text) ? Number(text) : -1;
}
