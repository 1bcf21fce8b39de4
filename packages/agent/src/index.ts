// The agent console: the <tandem-console> element, and its parts for a desktop that builds its own.
export { TandemConsole, defineTandemConsole } from './tandem-console.ts';
export { AgentSocket, agentSocketUrl } from './agent-socket.ts';
export type { AgentSocketHandlers, AgentSocketOptions, ConsoleLink } from './agent-socket.ts';
export { ReplicaViewer } from './replica-viewer.ts';
export type { ReplicaActions, ReplicaTool, ReplicaViewport } from './replica-viewer.ts';
export { PageFrameReader } from './page-frame.ts';
export type { FrameResult, PageFrame, PagePoint } from './page-frame.ts';
export { SeqTracker } from './seq-tracker.ts';
export type { SeqVerdict } from './seq-tracker.ts';
export { ReplicaScrubber } from './replica-scrub.ts';
export { timelineEntry } from './invite-timeline.ts';
export type { TimelineEntry, TimelineEvent, Tone } from './invite-timeline.ts';
export { initialState, reduce, effects } from './console-model.ts';
export type { ConsoleEvent, ConsoleState, ConsoleEffect } from './console-model.ts';
export { view as consoleView } from './console-view.ts';
export type { ConsoleView } from './console-view.ts';
export { chooseConsoleLocale, CONSOLE_LOCALES } from './console-locale.ts';
export type { ConsoleStrings } from './locales/en.ts';
