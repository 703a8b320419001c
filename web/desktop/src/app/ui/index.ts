/**
 * The desk's design system: tokens are the theme's (framework/theme.ts, `var(--sb-…)`), the look is
 * styles/ui.css (`sb-` classes a plugin's plain DOM may use too), and these are its React components.
 */
export { Badge, Button, Avatar, Countdown, EmptyState, IconButton, Tile, Timer, type AgentState } from "./controls";
export { Dialog, type DialogProps } from "./dialog";
export { ChannelIcon, Icon, Icons } from "./icons";
export { Menu, type MenuGroup, type MenuItem } from "./menu";
export { Tabs, type TabSpec } from "./tabs";
export { formatDuration, initials, toneFor, type Tone } from "./format";
export { Splitter, usePaneWidth, type SplitterProps } from "./splitter";
export { arrowKeysAmong, moveFocus } from "./move-focus";
