import type { CheckView, MessageView, RawItem } from './types.ts';

/** What every transcript item needs to know to draw itself and act. */
export interface ItemContext {
  lineId: string;
  /** This station's party name. */
  us: string;
  parties: string[];
  canSpeak: boolean;
  canTranslate: boolean;
  zone: string;
  /** The entries in view, by id. */
  entries: Map<string, RawItem>;
  /** The station's view of each message and check call in view. */
  messages: Map<string, MessageView>;
  checks: Map<string, CheckView>;
  /** Whether the member has not read this item yet (the station keeps how far each member has read). */
  unread?: (id: string) => boolean;
  refresh(): Promise<void>;
  announce(text: string): void;
}
