/**
 * Flex Interactions through the stock `twilio` client (`client.flexApi.baseUrl = origin + "/flex"`):
 * one call opens a conversation with its customer and creates its task through TaskRouter, with the
 * attributes Flex puts on such tasks (conversationSid above all, which ties TaskRouter's events back to
 * the conversation). A failed routing leaves no conversation behind.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { raw, switchboardClient } from "./client";

function flexClient() {
  const client = switchboardClient();
  client.conversations.baseUrl = `${inject("baseUrl")}/conversations`;
  client.flexApi.baseUrl = `${inject("baseUrl")}/flex`;
  return client;
}

const client = flexClient();
let workspaceSid: string;
let workflowSid: string;
let serviceSid: string;

beforeAll(async () => {
  const workspace = await client.taskrouter.v1.workspaces.create({
    friendlyName: `compat-interactions-${randomUUID().slice(0, 8)}`,
    template: "FIFO",
  });
  workspaceSid = workspace.sid;
  serviceSid = `IS${workspaceSid.slice(2)}`;
  workflowSid = (await client.taskrouter.v1.workspaces(workspaceSid).workflows.list())[0]!.sid;
});

const routing = (extra: Record<string, unknown> = {}) => ({
  properties: { workspace_sid: workspaceSid, workflow_sid: workflowSid, task_channel_unique_name: "sms", ...extra },
});

describe("interactions", () => {
  it("creates a conversation, its SMS customer and its task in one call, and fetches it back", async () => {
    const interaction = await client.flexApi.v1.interaction.create({
      channel: {
        type: "sms",
        initiated_by: "customer",
        participants: [{ address: "+15551234567", proxy_address: "+15557654321", name: "Dana" }],
      },
      routing: routing({ attributes: { topic: "billing", note: "card 4111 1111 1111 1111" }, priority: 5 }),
    });
    expect(interaction.sid).toMatch(/^KD[0-9a-f]{32}$/);
    const channel = interaction.channel as { type: string; sid: string; properties: { media_channel_sid: string } };
    expect(channel.type).toBe("sms");
    expect(channel.sid).toMatch(/^UO[0-9a-f]{32}$/);
    const conversationSid = channel.properties.media_channel_sid;
    expect(conversationSid).toMatch(/^CH[0-9a-f]{32}$/);
    const taskSid = (interaction.routing as { properties: { sid: string } }).properties.sid;
    expect(taskSid).toMatch(/^WT[0-9a-f]{32}$/);
    expect(interaction.url).toBe(`${inject("baseUrl")}/flex/v1/Interactions/${interaction.sid}`);

    const task = await client.taskrouter.v1.workspaces(workspaceSid).tasks(taskSid).fetch();
    expect(task.taskChannelUniqueName).toBe("sms");
    expect(task.priority).toBe(5);
    const attributes = JSON.parse(task.attributes) as Record<string, unknown>;
    expect(attributes).toMatchObject({
      conversationSid,
      channelType: "sms",
      topic: "billing",
      flexInteractionSid: interaction.sid,
      flexInteractionChannelSid: channel.sid,
      direction: "inbound",
      customerAddress: "+15551234567",
      customerName: "Dana",
    });
    expect(attributes.note).not.toContain("4111 1111 1111 1111");

    const conversation = await client.conversations.v1.services(serviceSid).conversations(conversationSid).fetch();
    expect(conversation.state).toBe("active");
    const participants = await client.conversations.v1.conversations(conversationSid).participants.list();
    expect(participants.map((p) => p.messagingBinding)).toEqual([
      expect.objectContaining({ address: "+15551234567", proxy_address: "+15557654321" }),
    ]);

    const fetched = await client.flexApi.v1.interaction(interaction.sid).fetch();
    expect(fetched.sid).toBe(interaction.sid);
    expect((fetched.channel as { properties: { media_channel_sid: string } }).properties.media_channel_sid).toBe(conversationSid);
    expect((fetched.routing as { properties: { sid: string } }).properties.sid).toBe(taskSid);
  });

  it("opens a web chat interaction with the visitor as a chat participant", async () => {
    const interaction = await client.flexApi.v1.interaction.create({
      channel: { type: "web", initiated_by: "customer", participants: [{ identity: "visitor-7" }] },
      routing: routing({ task_channel_unique_name: "chat" }),
    });
    const conversationSid = (interaction.channel as { properties: { media_channel_sid: string } }).properties.media_channel_sid;
    const participants = await client.conversations.v1.conversations(conversationSid).participants.list();
    expect(participants.map((p) => p.identity)).toEqual(["visitor-7"]);
  });

  it("routes an existing conversation when Channel.properties.media_channel_sid names it", async () => {
    const existing = await client.conversations.v1.services(serviceSid).conversations.create({ friendlyName: "already here" });
    const interaction = await client.flexApi.v1.interaction.create({
      channel: { type: "chat", initiated_by: "api", properties: { media_channel_sid: existing.sid } },
      routing: routing({ task_channel_unique_name: "chat" }),
    });
    expect((interaction.channel as { properties: { media_channel_sid: string } }).properties.media_channel_sid).toBe(existing.sid);
    const taskSid = (interaction.routing as { properties: { sid: string } }).properties.sid;
    const task = await client.taskrouter.v1.workspaces(workspaceSid).tasks(taskSid).fetch();
    expect(JSON.parse(task.attributes)).toMatchObject({ conversationSid: existing.sid, direction: "outbound" });
  });

  it("creates nothing when the routing fails: an unknown workflow is a 4xx and no conversation is left", async () => {
    const service = client.conversations.v1.services(serviceSid);
    const before = (await service.conversations.list()).length;
    const res = await raw("POST", "/flex/v1/Interactions", {
      Channel: JSON.stringify({ type: "sms", participants: [{ address: "+15550000001", proxy_address: "+15550000002" }] }),
      Routing: JSON.stringify(routing({ workflow_sid: "WW" + "0".repeat(32) })),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await service.conversations.list()).length).toBe(before);
  });

  it.each([
    ["Channel", { Routing: "{}" }],
    ["Channel", { Channel: "not json", Routing: "{}" }],
    ["Channel", { Channel: JSON.stringify({ type: "voice" }), Routing: JSON.stringify({ properties: {} }) }],
    [
      "Channel",
      {
        Channel: JSON.stringify({ type: "sms", participants: [{ address: "+15550000001" }] }),
        Routing: JSON.stringify({ properties: {} }),
      },
    ],
    ["Routing", { Channel: JSON.stringify({ type: "sms" }), Routing: JSON.stringify({ properties: { workflow_sid: "nope" } }) }],
  ])("a bad %s is a 400 naming it", async (field, body) => {
    const res = await raw("POST", "/flex/v1/Interactions", body);
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toContain(field);
  });

  it("answers 401 without credentials and 404 for an unknown interaction", async () => {
    expect((await raw("POST", "/flex/v1/Interactions", { Channel: "{}" }, false)).status).toBe(401);
    await expect(client.flexApi.v1.interaction("KD" + "0".repeat(32)).fetch()).rejects.toMatchObject({ status: 404 });
  });
});
