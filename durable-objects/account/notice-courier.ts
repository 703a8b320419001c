/**
 * Carries the AccountDO's notices (user-sockets.ts) to the objects that hold a user's sockets: each
 * workspace's Router DO, reached through platform/objects.ts (the one module that addresses Router
 * DOs), and each ConversationDO. Delivery starts as soon as a change commits; the AccountDO's one alarm
 * is the backstop for an object evicted before it finished, and retries a place that could not be
 * reached. One delivery runs at a time; a notice queued meanwhile is picked up by the same run.
 */
import type { Env } from "../../platform/env";
import { conversationFor, routerFor } from "../../platform/objects";
import { isSid } from "../../contract/ids";
import type { UserAccess } from "../common/user-access";
import { deliverNotices, nextNoticeAt, NOTICE_RETRIES, type Place } from "./user-sockets";

export class NoticeCourier {
  private running = false;
  private again = false;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
  ) {}

  /** A notice was committed: deliver it now, with the alarm set first should the object be evicted before. */
  async queued(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + NOTICE_RETRIES.baseDelayMs);
    this.ctx.waitUntil(this.deliver());
  }

  /** Delivers every notice due, then points the alarm at the next retry (or clears it). */
  async deliver(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await deliverNotices(this.ctx.storage, (place, userSid, access) => this.tell(place, userSid, access), Date.now);
      } while (this.again);
      const next = nextNoticeAt(this.ctx.storage);
      if (next === null) await this.ctx.storage.deleteAlarm();
      else await this.ctx.storage.setAlarm(next);
    } finally {
      this.running = false;
    }
  }

  private async tell(place: Place, userSid: string, access: UserAccess | null): Promise<void> {
    // One deployment is one account: the objects check their sockets were opened under it.
    const accountSid = this.env.ACCOUNT_SID ?? "";
    // A Router's place is its name, "WS…:<region>" (or the workspace alone: its home region's Router).
    const [workspaceSid = "", region] = place.split(":");
    if (isSid("WS", workspaceSid)) await routerFor(this.env, workspaceSid, region).closeUserSockets(accountSid, userSid, access);
    else if (isSid("CH", place)) await conversationFor(this.env, place).closeUserSockets(accountSid, userSid, access);
    else console.warn(`AccountDO: ${place} is neither a workspace nor a conversation; skipped`);
  }
}
