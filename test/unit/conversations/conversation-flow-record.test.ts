/**
 * The conversation record's `flow` (lifecycle/flows.ts `conversationFlow`): `starting` while an execution
 * is pending, `active` with its flow once it runs, null once it ended or handed over — and a row written
 * before migration 12 (no flow SID) still answers, with `flow_sid` null.
 */
import { describe, expect, it } from "vitest";
import { conversationFlow, flowRow, saveFlow, type PendingFlow } from "../../../durable-objects/conversation/lifecycle/flows";
import { run } from "../../../durable-objects/kit/sql-host";
import { at, migratedHost } from "./conversation-fixtures";

const EXECUTION = "FN" + "1".repeat(32);
const FLOW = "FW" + "2".repeat(32);
const pending: PendingFlow = {
  executionSid: EXECUTION,
  flowSid: FLOW,
  trigger: { kind: "incomingRequest", request: {}, parameters: {} },
  contactAddress: "+15550001111",
};

describe("the conversation's flow, as its record shows it", () => {
  it("is null without a flow, starting while pending, active while it runs, null again when it ends", () => {
    const host = migratedHost();
    const op = at(host, 1_000);
    expect(conversationFlow(op)).toBeNull();
    saveFlow(op, { execution_sid: null, flow_sid: FLOW, pending: JSON.stringify(pending), attempts: 0, error: null });
    expect(conversationFlow(op)).toEqual({ execution_sid: EXECUTION, flow_sid: FLOW, status: "starting" });
    saveFlow(op, { execution_sid: EXECUTION, flow_sid: FLOW, pending: null, attempts: 0, error: null });
    expect(conversationFlow(op)).toEqual({ execution_sid: EXECUTION, flow_sid: FLOW, status: "active" });
    // What the shell writes when the execution ends: the row spread, execution_sid cleared — the flow goes with it.
    saveFlow(op, { ...flowRow(op), execution_sid: null });
    expect(conversationFlow(op)).toBeNull();
    expect(flowRow(op).flow_sid).toBeNull();
  });

  it("answers for an execution started before the record carried its flow", () => {
    const host = migratedHost();
    run(host, "INSERT INTO sb_flow (id, execution_sid, pending, attempts, error) VALUES (1, ?, NULL, 0, NULL)", EXECUTION);
    expect(conversationFlow(at(host, 1_000))).toEqual({ execution_sid: EXECUTION, flow_sid: null, status: "active" });
  });
});
