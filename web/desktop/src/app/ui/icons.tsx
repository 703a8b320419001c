/**
 * The desktop's icons: Lucide's (lucide-react, tree-shaken: only these reach the bundle), named once here
 * for what they mean in the contact center, so a screen asks for "the SMS icon", not for a drawing.
 * Decorative by default (`aria-hidden`): the text or the label beside an icon says what it means.
 */
import {
  ArrowLeftRight,
  Bell,
  Bot,
  Camera,
  Check,
  ChevronDown,
  CircleUser,
  Clock,
  Ear,
  Eye,
  Frown,
  Globe,
  Headphones,
  Inbox,
  Lock,
  Meh,
  LogOut,
  Mail,
  Megaphone,
  MessageCircle,
  MessageSquare,
  MessagesSquare,
  Mic,
  MicOff,
  Moon,
  Paperclip,
  Pause,
  Phone,
  PhoneOff,
  Play,
  Settings,
  Signal,
  Smartphone,
  Smile,
  StickyNote,
  Sun,
  UserPlus,
  Users,
  Video,
  VideoOff,
  Workflow,
  X,
  type LucideIcon,
  type LucideProps,
} from "lucide-react";

export const Icons = {
  bell: Bell,
  check: Check,
  chevronDown: ChevronDown,
  clock: Clock,
  close: X,
  account: CircleUser,
  globe: Globe,
  inbox: Inbox,
  /** Staff only: an internal note, a whisper. */
  lock: Lock,
  /** Watching a conversation (a supervisor's live view). */
  monitor: Eye,
  moon: Moon,
  note: StickyNote,
  attach: Paperclip,
  emoji: Smile,
  settings: Settings,
  signOut: LogOut,
  sun: Sun,
  team: Users,
  // calls (issue 15)
  call: Phone,
  video: Video,
  mic: Mic,
  micOff: MicOff,
  hold: Pause,
  resume: Play,
  hangUp: PhoneOff,
  cameraOn: Video,
  cameraOff: VideoOff,
  network: Signal,
  transfer: ArrowLeftRight,
  addParticipant: UserPlus,
  /** A supervisor listening to a call unseen. */
  listen: Headphones,
  /** A supervisor whispering to the agent. */
  whisper: Ear,
  /** A supervisor barging in: heard by everyone. */
  barge: Megaphone,
  // self-service (issue 16)
  /** The bot of a self-service flow. */
  bot: Bot,
  /** A Studio flow (sending the customer to one). */
  flow: Workflow,
  /** The customer's mood, as the bot read it. */
  smile: Smile,
  meh: Meh,
  frown: Frown,
} satisfies Record<string, LucideIcon>;

/** Each channel's icon, by the conversation's channel or the task's TaskChannel. */
const CHANNEL_ICONS: Record<string, LucideIcon> = {
  web: MessageSquare,
  chat: MessageSquare,
  webchat: MessageSquare,
  sms: Smartphone,
  whatsapp: MessageCircle,
  messenger: MessagesSquare,
  instagram: Camera,
  email: Mail,
  voice: Phone,
  video: Video,
};

/**
 * The icon of a channel (a generic message for one it does not know).
 * @example <ChannelIcon channel="sms" />
 */
export function ChannelIcon({ channel, ...props }: { readonly channel: string | null | undefined } & LucideProps) {
  const Icon = CHANNEL_ICONS[(channel ?? "").toLowerCase()] ?? MessageSquare;
  return <Icon aria-hidden="true" focusable="false" size={16} {...props} />;
}

/** An icon of {@link Icons}, decorative and 16 px unless told otherwise. @example <Icon name="bell" /> */
export function Icon({ name, ...props }: { readonly name: keyof typeof Icons } & LucideProps) {
  const Drawn = Icons[name];
  return <Drawn aria-hidden="true" focusable="false" size={16} {...props} />;
}
