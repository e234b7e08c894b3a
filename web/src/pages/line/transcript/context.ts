import type { Related } from './data.ts';
import type { CheckView, MessageView } from './types.ts';

/** What every transcript item needs to know to draw itself and act. */
export interface ItemContext {
  lineId: string;
  /** This station's party name. */
  us: string;
  parties: string[];
  canSpeak: boolean;
  canTranslate: boolean;
  now: number;
  zone: string;
  related: Related;
  messages: Map<string, MessageView>;
  checks: Map<string, CheckView>;
  refresh(): Promise<void>;
  announce(text: string): void;
}
