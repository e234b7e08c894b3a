// The text of a key statement: a header line, then "word value" lines in a
// fixed order. Rotation and revocation statements are signed notes
// (c2sp.org/signed-note) with this text, so any signed-note tool can read
// their signatures, and the text leaves no room for a second reading.
import { HotlineError } from '../errors.ts';

export interface StatementField {
  word: string;
  optional?: boolean;
}

/** Formats `header` and the fields in order, skipping absent optional ones. */
export function formatStatement(header: string, fields: StatementField[], values: Record<string, string | undefined>): string {
  let text = `${header}\n`;
  for (const f of fields) {
    const value = values[f.word];
    if (value === undefined) {
      if (!f.optional) throw new HotlineError('bad_request', `a ${header} statement needs its ${f.word}`);
      continue;
    }
    if (!/^[\x21-\x7e]+$/.test(value)) throw new HotlineError('bad_request', `the ${f.word} of a ${header} statement must be printable ASCII without spaces`);
    text += `${f.word} ${value}\n`;
  }
  return text;
}

/** Parses what formatStatement wrote; throws a bad_request naming the first thing wrong. */
export function parseStatement(header: string, fields: StatementField[], text: string): Record<string, string> {
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new HotlineError('bad_request', `a ${header} statement ends with a newline`);
  if (lines.shift() !== header) throw new HotlineError('bad_request', `not a ${header} statement`);
  const values: Record<string, string> = {};
  let at = 0;
  for (const f of fields) {
    const line = lines[at];
    const m = line === undefined ? null : /^([a-z-]+) ([\x21-\x7e]+)$/.exec(line);
    if (m && m[1] === f.word) {
      values[f.word] = m[2];
      at++;
    } else if (!f.optional) {
      throw new HotlineError('bad_request', `the ${header} statement has no ${f.word} line where one belongs`);
    }
  }
  if (at !== lines.length) throw new HotlineError('bad_request', `the ${header} statement has an unexpected line: ${JSON.stringify(lines[at]).slice(0, 80)}`);
  return values;
}
