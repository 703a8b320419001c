/** Records for the widget's tests, with only what each test cares about set. */
import type { CallRecord } from "../../../contract/calls";
import type { MessageRecord, ParticipantRecord } from "../../../contract/conversations";

export const VISITOR = "WV" + "1".repeat(32);
export const CUSTOMER_PARTICIPANT = "MB" + "c".repeat(32);
export const AGENT_PARTICIPANT = "MB" + "a".repeat(32);

export function message(index: number, overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    sid: "IM" + index.toString(16).padStart(32, "0"),
    account_sid: "AC" + "5".repeat(32),
    conversation_sid: "CH" + "0".repeat(32),
    index,
    author: VISITOR,
    body: `message ${index}`,
    media: null,
    attributes: "{}",
    participant_sid: CUSTOMER_PARTICIPANT,
    date_created: "2026-01-01T00:00:00Z",
    date_updated: "2026-01-01T00:00:00Z",
    delivery: null,
    content_sid: null,
    delivery_status: null,
    delivery_error: null,
    visibility: "all",
    author_role: null,
    ...overrides,
  };
}

export const agentMessage = (index: number, overrides: Partial<MessageRecord> = {}) =>
  message(index, { author: "WK" + "9".repeat(32), participant_sid: AGENT_PARTICIPANT, ...overrides });

export function participant(overrides: Partial<ParticipantRecord> = {}): ParticipantRecord {
  return {
    sid: AGENT_PARTICIPANT,
    account_sid: "AC" + "5".repeat(32),
    conversation_sid: "CH" + "0".repeat(32),
    identity: "WK" + "9".repeat(32),
    attributes: "{}",
    messaging_binding: null,
    role_sid: null,
    date_created: "2026-01-01T00:00:00Z",
    date_updated: "2026-01-01T00:00:00Z",
    last_read_message_index: null,
    last_read_timestamp: null,
    role: "agent",
    display_name: "Alex",
    ...overrides,
  };
}

/** A customer's voice call, waiting (no estimate) unless told. */
export function callRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    sid: "CA" + "1".repeat(32),
    conversation_sid: "CH1",
    room: "CH1",
    kind: "voice",
    execution_sid: null,
    state: "waiting",
    started_by: "customer",
    task_sid: "WT" + "3".repeat(32),
    parties: [],
    estimated_wait_seconds: null,
    recording: "off",
    consult: null,
    date_created: "2026-12-07T10:00:00.000Z",
    date_connected: null,
    date_ended: null,
    end_reason: null,
    failure: null,
    ...overrides,
  };
}
