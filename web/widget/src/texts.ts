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
} as const;

export type Texts = typeof texts;

/** The table for a locale: English for every locale until catalogs exist. */
export const textsFor = (_locale: string | null): Texts => texts;
