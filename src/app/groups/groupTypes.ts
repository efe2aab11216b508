/**
 * What a group chat's session says about the group and its turns, apart from the code
 * that makes them, so the chat session can name them without importing it.
 */
import type { ChosenSpeaker, SpeakerChoice } from "../../core/group/activation.ts";
import type { ActivationStrategy, GenerationMode } from "../../core/group/types.ts";
import type { TurnTimings } from "../../engine/chatTurn.ts";
import type { TurnResult } from "../turns/playTurn.ts";

/** One member's reply in a group turn, as `--json` and the panels show it. */
export interface GroupReplyReport {
  speaker: ChosenSpeaker;
  /** The reply as saved ("" when the model wrote nothing: then nothing was saved). */
  text: string;
  saved: boolean;
  stopReason: NonNullable<TurnResult["generation"]["stopReason"]>;
  tokens: number;
  tokensPerSecond: number;
  timings: TurnTimings;
  template: string;
  loreEntries: string[];
}

export interface GroupTurnSummary {
  /** Who was chosen, who was not, and why. */
  choice: SpeakerChoice;
  replies: GroupReplyReport[];
  /** Stopped: members after the one writing did not speak. */
  stopped: boolean;
}

/** A member as the group's screens show it. */
export interface GroupMemberInfo {
  key: string;
  name: string;
  muted: boolean;
  /** Its card is not in the library: it sits out. */
  missing: boolean;
}

export interface GroupInfo {
  id: string;
  name: string;
  strategy: ActivationStrategy;
  mode: GenerationMode;
  members: GroupMemberInfo[];
}

/** What a group chat's session answers besides a chat's (ChatSession.group). */
export interface GroupChatControls {
  info(): GroupInfo;
  /** Mutes or unmutes a member (by name); the group file is saved. */
  setMuted(member: string, muted: boolean): Promise<GroupInfo>;
}
