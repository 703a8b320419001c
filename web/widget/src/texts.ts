/**
 * Every text the widget shows, in one table so a catalog per language can replace it later (the
 * agent desktop's issue adds them); English is the only one today, whatever `data-locale` says.
 */
export const texts = {
  open: "Open chat",
  close: "Close chat",
  title: "Chat with us",
  placeholder: "Type your message…",
  send: "Send",
  attach: "Attach a file (an image, PDF or plain text file, up to 10 MB)",
  start: "Start chat",
  name: "Name",
  email: "Email",
  phone: "Phone",
  messages: "Messages",
  sending: "Sending…",
  sent: "Sent",
  read: "Read",
  failed: "Not sent",
  retry: "Retry",
  joined: (name: string) => `${name} joined`,
  left: (name: string) => `${name} left`,
  typing: (name: string) => `${name} is typing…`,
  agent: "Agent",
  /** A self-service flow's (the bot's) messages. */
  assistant: "Assistant",
  ended: "This conversation has ended. Write again to start a new one.",
  offline: "Reconnecting…",
  unavailable: "This chat isn't available on this site.",
  tooLarge: "That file is larger than 10 MB.",
  badType: "Only images (not SVG), PDF and plain text files can be attached.",
  attachment: "Attachment",
  rate: (n: number) => `${n} of 5`,
  comment: "Add a comment (optional)",
  sendFeedback: "Send feedback",
  pickRating: "Choose a rating from 1 to 5.",
  thanks: "Thank you for your feedback!",
  callVoice: "Start a voice call",
  callVideo: "Start a video call",
  callsOff: (why: string) => `Calls aren't available right now: ${why}`,
  callWaiting: "Waiting for an agent",
  callInvite: "Agent is calling",
  join: "Join",
  decline: "Decline",
  callRejoin: "Your call is still on",
  rejoin: "Rejoin call",
  hangUp: "Hang up",
  callEnded: (length: string | null) => (length === null ? "Call ended" : `Call ended · ${length}`),
  callFailed: (why: string | null) => (why === null ? "The call failed" : `The call failed: ${why}`),
} as const;

/**
 * The call panel's own texts: only the call chunk (call/panel.ts, loaded when a call starts) reads
 * them, so they stay out of the widget's first download.
 */
export const callTexts = {
  waitUnderMinute: "less than a minute",
  waitMinutes: (n: number) => `about ${n} min`,
  callHeld: "On hold",
  /** The call is in the team's phone menu (a flow answers it, no agent asked for yet): the chat's flow label. */
  callMenu: "Assistant · Menu",
  callConnected: "Connected",
  callControls: "Call controls",
  mute: "Mute microphone",
  unmute: "Unmute microphone",
  cameraOff: "Turn camera off",
  cameraOn: "Turn camera on",
  shareScreen: "Share your screen",
  stopSharing: "Stop sharing your screen",
  devices: "Devices",
  keypad: "Keypad",
  typedDigits: "Digits typed",
  microphone: "Microphone",
  camera: "Camera",
  speaker: "Speaker",
  agentVideo: "Agent's video",
  selfView: "You",
  duration: "Call duration",
  playAudio: "Turn on call audio",
  reconnecting: "Reconnecting the call…",
  noDevice: (what: string) => `No ${what.toLowerCase()} could be used: check the browser's permission.`,
} as const;

export type CallTexts = typeof callTexts;

export type Texts = typeof texts;

/** The table for a locale: English for every locale until catalogs exist. */
export const textsFor = (_locale: string | null): Texts => texts;
