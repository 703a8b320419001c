/**
 * What the media-token routes answer (contract/calls.ts says what a call is): one zod schema and the type
 * inferred from it, apart from calls.ts so the browser, which reads calls.ts's constants as values, never
 * bundles zod (it imports this type only).
 */
import { z } from "zod";

/** `POST /api/conversations/{sid}/media-token` and `POST /api/webchat/{ws}/{channel}/media-token`. */
export const mediaToken = z.strictObject({
  /** The LiveKit server's WebSocket URL: the conversation's region's. */
  url: z.string().regex(/^wss?:\/\//),
  /** The JWT to join with. */
  token: z.string().min(1),
  /** The room: the conversation's SID. */
  room: z.string().regex(/^CH[0-9a-f]{32}$/),
  /** The participant's identity in the room: an agent's worker SID, a visitor's ID, `monitor:…` for a supervisor. */
  identity: z.string().min(1),
  /** When the token stops letting anyone join (ISO 8601, milliseconds); one joined before then stays. */
  expires_at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
});

export type MediaToken = z.infer<typeof mediaToken>;
