/**
 * The answer every Durable Object class gives to `ping()`: which class answered and which schema
 * version its storage is at. Tests and operators use it to prove an object starts and migrates.
 */
export interface PingReply {
  readonly class: string;
  /** The highest applied migration in the object's `sb_migrations` table (0: none yet). */
  readonly version: number;
}
