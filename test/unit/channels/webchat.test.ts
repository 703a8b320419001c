// Web chat has no provider: its customers write through the widget's routes and read replies on their
// socket. The adapter contract's part for it: no webhook adapter, and a reply sent the moment it is stored.
import { describe } from "vitest";
import { memoryMedia } from "../../support/doubles/media-store";
import { runAdapterContract } from "./adapter-contract";

describe("the adapter contract", () =>
  runAdapterContract({
    kind: "webchat",
    config: () => ({
      sid: "XC" + "2".repeat(32),
      accountSid: "AC" + "5".repeat(32),
      workspaceSid: "WS" + "1".repeat(32),
      kind: "webchat",
      friendlyName: "Chat on acme.example",
      workflowSid: null,
      taskChannel: "chat",
      settings: { title: "Chat with us" },
      secrets: {},
      version: 1,
    }),
    deps: (overrides) => ({ fetch: globalThis.fetch, media: memoryMedia(), webhookUrl: "", now: () => 0, ...overrides }),
  }));
