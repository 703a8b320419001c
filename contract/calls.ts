/**
 * Calls and video, as the browser reads them (issue 15): what the media-token routes answer — where the
 * call's LiveKit room is and the token to join it with — and the role a participant's token fixed, which
 * LiveKit shows the others as the participant attribute {@link ROLE_ATTRIBUTE}. The desk and the widget
 * join with `livekit-client` (`room.connect(url, token)`). One zod schema; the type is inferred from it
 * (the browser imports the type only: no zod in its bundles).
 */
import { z } from "zod";

/** Who someone is in a call: the customer, an agent, or a supervisor listening unseen. */
export const MEDIA_ROLES = ["customer", "agent", "monitor"] as const;
export type MediaRole = (typeof MEDIA_ROLES)[number];

/** The participant attribute that says what someone in a call is, as their token fixed it. */
export const ROLE_ATTRIBUTE = "switchboard.role";

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
