/**
 * A chat service's webhook configuration (and the account's, kept with the default chat service) in
 * the DirectoryDO: unset fields are null, an update changes only what it names, bad URLs, methods and
 * filter names are refused naming the parameter, and `resolveInbound` hands the configuration on so a
 * customer's message needs no second call to find its webhooks.
 */
import { describe, expect, it } from "vitest";
import { ACCOUNT, ch, directory, inbound } from "./directory-fixtures";

const value = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe("webhook configuration", () => {
  it("starts unset, takes an update field by field, and keeps the service's and the account's apart", () => {
    const { dir } = directory();
    expect(value(dir.webhookConfig(ACCOUNT, "service"))).toEqual({
      pre_webhook_url: null,
      post_webhook_url: null,
      method: null,
      filters: null,
      target: "webhook",
    });
    value(dir.setWebhookConfig(ACCOUNT, "service", { postWebhookUrl: "https://hooks.example/post", filters: ["onMessageAdded"] }));
    const updated = value(dir.setWebhookConfig(ACCOUNT, "service", { method: "GET", preWebhookUrl: "https://hooks.example/pre" }));
    expect(updated).toEqual({
      pre_webhook_url: "https://hooks.example/pre",
      post_webhook_url: "https://hooks.example/post",
      method: "GET",
      filters: ["onMessageAdded"],
      target: "webhook",
    });
    // An empty URL clears it, as Twilio's console does.
    expect(value(dir.setWebhookConfig(ACCOUNT, "service", { preWebhookUrl: null })).pre_webhook_url).toBeNull();
    value(dir.setWebhookConfig(ACCOUNT, "account", { target: "flex" }));
    expect(value(dir.webhookConfigs(ACCOUNT))).toMatchObject({
      service: { post_webhook_url: "https://hooks.example/post" },
      account: { target: "flex", post_webhook_url: null },
    });
  });

  it.each([
    [{ postWebhookUrl: "ftp://hooks.example" }, /PostWebhookUrl/],
    [{ preWebhookUrl: "/relative" }, /PreWebhookUrl/],
    [{ filters: ["onMessageAdded", "onSomethingElse"] }, /Filters.*onSomethingElse/],
    [{ method: "PUT" as "GET" }, /Method/],
    [{ target: "studio" as "flex" }, /Target/],
  ])("refuses %j naming the parameter, and keeps the configuration", (input, field) => {
    const { dir } = directory();
    value(dir.setWebhookConfig(ACCOUNT, "service", { postWebhookUrl: "https://hooks.example/post" }));
    const result = dir.setWebhookConfig(ACCOUNT, "service", input);
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toMatch(field);
    expect(value(dir.webhookConfig(ACCOUNT, "service")).post_webhook_url).toBe("https://hooks.example/post");
  });

  it("resolveInbound answers the configurations with the conversation", () => {
    const { dir } = directory();
    value(dir.setWebhookConfig(ACCOUNT, "service", { postWebhookUrl: "https://hooks.example/post", filters: ["onMessageAdded"] }));
    const resolved = value(dir.resolveInbound(ACCOUNT, inbound({ newConversationSid: ch(1) })));
    expect(resolved.webhooks).toMatchObject({ service: { post_webhook_url: "https://hooks.example/post" }, account: null });
  });
});
