import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HotlineError } from '../core/errors.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors that say which command was being used. */
export function parse<T extends Options>(command: string, argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new HotlineError('bad_request', `${command}: ${(e as Error).message.replace(/^.*?: /, '')} (see 'hotline ${command} --help')`);
  }
}

export function required(command: string, value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new HotlineError('bad_request', `${command}: --${flag} is required`);
  return value;
}

export function integer(command: string, value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new HotlineError('bad_request', `${command}: --${flag} must be a non-negative integer`);
  return Number(value);
}

export function defaultDir(value: string | undefined): string {
  return value ?? process.env.HOTLINE_DIR ?? 'station';
}

/** Reads a whole secret from standard input (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
