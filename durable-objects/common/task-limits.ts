/**
 * TaskRouter's limits on a task and a workflow target, in one place: the Router enforces them, and the
 * ConversationDO checks a flow's Send To Flex / Enqueue Call against them before it asks for a task, so a
 * value the Router would refuse fails the widget (`failedToEnqueue`) instead of leaving the customer waiting.
 */

/** The highest Priority a task or a target may have (Twilio's: a 32-bit signed integer). */
export const MAX_PRIORITY = 2_147_483_647;
/** A task's Timeout when none is given, in seconds (a day). */
export const DEFAULT_TASK_TIMEOUT_S = 86_400;
/** The longest Timeout a task or a target may have, in seconds (14 days). */
export const MAX_TASK_TIMEOUT_S = 1_209_600;
