import { checkpoint } from './checkpoint.ts';
import { entries } from './entries.ts';
import { exportCommand } from './export.ts';
import { init } from './init.ts';
import { line } from './line.ts';
import { login } from './login.ts';
import { member } from './member.ts';
import { peer } from './peer.ts';
import { send } from './send.ts';
import { serve } from './serve.ts';
import { station } from './station.ts';
import { token } from './token.ts';
import { verify } from './verify.ts';
import { witness } from './witness.ts';

export type Command = (argv: string[]) => Promise<number | void>;

export const commands: Record<string, Command> = {
  init, serve, station, member, peer, token, login, line, send, entries, checkpoint, export: exportCommand, verify, witness,
};
