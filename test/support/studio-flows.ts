/**
 * Studio flow definitions as Studio's canvas exports them (offsets, flags, every trigger event, the
 * widgets' own property names), for the Studio API's tests: a messaging menu that asks, splits on the
 * reply and either answers or hands off to an agent; the same with a widget of this wave's unsupported
 * kinds; and one whose initial state names no widget.
 */

/** The workflow and TaskChannel the menu's send-to-flex names (any SIDs of the right shape). */
export const MENU_WORKFLOW = "WW" + "0".repeat(31) + "1";
export const MENU_TASK_CHANNEL = "TC" + "0".repeat(31) + "1";

/** A messaging menu: trigger → ask → split on the reply → answer, or hand off to an agent. */
export const MENU_FLOW = {
  description: "Support menu",
  states: [
    {
      name: "Trigger",
      type: "trigger",
      transitions: [
        { next: "ask", event: "incomingMessage" },
        { event: "incomingCall" },
        { event: "incomingConversationMessage" },
        { next: "ask", event: "incomingRequest" },
        { event: "incomingParent" },
      ],
      properties: { offset: { x: 0, y: 0 } },
    },
    {
      name: "ask",
      type: "send-and-wait-for-reply",
      transitions: [{ next: "route", event: "incomingMessage" }, { next: "bye", event: "timeout" }, { event: "deliveryFailure" }],
      properties: {
        offset: { x: 40, y: 220 },
        service: "{{trigger.message.InstanceSid}}",
        channel: "{{trigger.message.ChannelSid}}",
        from: "{{flow.channel.address}}",
        body: "Hi {{contact.channel.address}}! Reply 1 for opening hours, 2 to talk to someone.",
        timeout: "3600",
      },
    },
    {
      name: "route",
      type: "split-based-on",
      transitions: [
        { next: "agent", event: "noMatch" },
        {
          next: "hours",
          event: "match",
          conditions: [
            {
              friendly_name: "If value equal_to 1",
              arguments: ["{{widgets.ask.inbound.Body}}"],
              type: "equal_to",
              value: "1",
            },
          ],
        },
      ],
      properties: { input: "{{widgets.ask.inbound.Body}}", offset: { x: 40, y: 460 } },
    },
    {
      name: "hours",
      type: "send-message",
      transitions: [{ event: "sent" }, { event: "failed" }],
      properties: {
        offset: { x: -200, y: 700 },
        service: "{{trigger.message.InstanceSid}}",
        channel: "{{trigger.message.ChannelSid}}",
        from: "{{flow.channel.address}}",
        to: "{{contact.channel.address}}",
        body: "We are open 9–17, Monday to Friday.",
      },
    },
    {
      name: "agent",
      type: "send-to-flex",
      transitions: [{ event: "callComplete" }, { event: "failedToEnqueue" }, { event: "callFailure" }],
      properties: {
        offset: { x: 240, y: 700 },
        workflow: MENU_WORKFLOW,
        channel: MENU_TASK_CHANNEL,
        attributes:
          '{"name": "{{trigger.message.ChannelAttributes.from}}", "channelType": "{{trigger.message.ChannelAttributes.channel_type}}"}',
      },
    },
    {
      name: "bye",
      type: "send-message",
      transitions: [{ event: "sent" }, { event: "failed" }],
      properties: {
        offset: { x: 480, y: 460 },
        service: "{{trigger.message.InstanceSid}}",
        channel: "{{trigger.message.ChannelSid}}",
        from: "{{flow.channel.address}}",
        to: "{{contact.channel.address}}",
        body: "No answer: write again any time.",
      },
    },
  ],
  initial_state: "Trigger",
  flags: { allow_concurrent_calls: true },
};

/** The menu answering with a new text: a second revision. */
export const MENU_FLOW_V2 = {
  ...MENU_FLOW,
  states: MENU_FLOW.states.map((state) =>
    state.name === "hours" ? { ...state, properties: { ...state.properties, body: "We are open 8–18, every day." } } : state,
  ),
};

/** The menu with a widget this release refuses by name: Connect Call To a phone number (dialling out). */
export const DIAL_OUT_FLOW = {
  ...MENU_FLOW,
  states: [
    ...MENU_FLOW.states.map((state) =>
      state.name === "Trigger"
        ? { ...state, transitions: state.transitions.map((t) => (t.event === "incomingCall" ? { ...t, next: "forward" } : t)) }
        : state,
    ),
    {
      name: "forward",
      type: "connect-call-to",
      transitions: [{ event: "callCompleted" }, { event: "hangup" }],
      properties: { offset: { x: 700, y: 220 }, caller_id: "{{contact.channel.address}}", noun: "number", to: "+15555550123", timeout: 30 },
    },
  ],
};

/** The menu whose initial state names no widget. */
export const NO_START_FLOW = { ...MENU_FLOW, initial_state: "Start" };

/** A REST-triggered flow (Studio's outbound case): it greets the name the Parameters carry, then ends. */
export const REST_FLOW = {
  description: "Greet by name",
  states: [
    {
      name: "Trigger",
      type: "trigger",
      transitions: [{ event: "incomingMessage" }, { event: "incomingCall" }, { next: "greet", event: "incomingRequest" }],
      properties: { offset: { x: 0, y: 0 } },
    },
    {
      name: "greet",
      type: "set-variables",
      transitions: [{ event: "next" }],
      properties: {
        variables: [{ key: "greeting", value: "Hello {{flow.data.name}}, this is {{flow.channel.address}}" }],
        offset: { x: 0, y: 200 },
      },
    },
  ],
  initial_state: "Trigger",
  flags: { allow_concurrent_calls: true },
};
