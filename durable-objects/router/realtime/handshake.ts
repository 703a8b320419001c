/**
 * How an agent's WebSocket reaches the Router DO: the token a browser can send (it cannot set
 * headers on a WebSocket, so `?token=` or a `token.<token>` subprotocol, besides `Authorization:
 * Bearer` for other clients), and the internal request the Worker makes to the Router DO once the
 * token checks out — the verified identity in a header the Worker sets itself (client headers are
 * never forwarded, so a client cannot forge it).
 */
import { agentIdentity, type AgentIdentity } from "./channel";

/** The subprotocol a client may offer; the server then answers with it, as browsers require. */
export const SUBPROTOCOL = "switchboard";
/** A subprotocol carrying the token: `token.<token>` (JWTs are made of characters a subprotocol allows). */
const TOKEN_PROTOCOL_PREFIX = "token.";
/** The header of the Worker → Router DO upgrade request that carries the verified identity (JSON). */
export const IDENTITY_HEADER = "x-switchboard-identity";

export interface AgentHandshake {
  /** The token, from `?token=`, a `token.` subprotocol or `Authorization: Bearer`; null when none. */
  readonly token: string | null;
  /** Whether the client offered the `switchboard` subprotocol (the answer must then name it). */
  readonly subprotocol: boolean;
  /** `?since=` as given (checked by the Router DO), or null. */
  readonly since: string | null;
}

/**
 * Reads an agent's upgrade request.
 * @example readHandshake(new URL("https://x/api/realtime?token=abc&since=4"), new Headers()) // { token: "abc", subprotocol: false, since: "4" }
 */
export function readHandshake(url: URL, headers: Headers): AgentHandshake {
  const offered = (headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((protocol) => protocol.trim())
    .filter(Boolean);
  const fromProtocol = offered.find((protocol) => protocol.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  const token = url.searchParams.get("token") || fromProtocol || bearer || null;
  return { token, subprotocol: offered.includes(SUBPROTOCOL), since: url.searchParams.get("since") };
}

/** The `since` of a handshake as a number: null when absent, -1 (refused by the Router) when malformed. */
export function sinceOf(text: string | null): number | null {
  if (text === null || text === "") return null;
  return /^\d{1,15}$/.test(text) ? Number(text) : -1;
}

/** The verified identity the Worker put on the upgrade, or null when it is missing or malformed. */
export function readIdentity(header: string | null): AgentIdentity | null {
  if (header === null) return null;
  try {
    const parsed = agentIdentity.safeParse(JSON.parse(header));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The tag of a worker's sockets (`ctx.getWebSockets(tag)` finds them after hibernation). */
export const workerTag = (workerSid: string): string => `worker:${workerSid}`;

/** A close reason fits in 123 bytes on the wire; a longer one is cut. */
export function closeReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  return bytes.length <= 123 ? reason : `${new TextDecoder().decode(bytes.slice(0, 117)).replace(/\uFFFD$/, "")}…`;
}
