import { Type, type StringOptions } from '@sinclair/typebox';

/**
 * Text a member writes: any Unicode except NUL and unpaired surrogates. NUL
 * cuts strings short in C tools, terminals and some databases; an unpaired
 * surrogate has no UTF-8 form, so it cannot be signed as written. The second
 * alternative keeps the pattern right for engines that read it without the
 * `u` flag (TypeBox), where an astral character is two code units.
 */
export const TEXT_PATTERN = '^(?:[^\\u0000\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])*$';

const TEXT_RULE = 'no NUL characters and no unpaired surrogates';

/** A string schema with the text rule; `description` says so in the OpenAPI document. */
export function Text(options: StringOptions = {}) {
  return Type.String({ ...options, pattern: TEXT_PATTERN, description: options.description ? `${options.description}; ${TEXT_RULE}` : TEXT_RULE });
}

/** Why a string breaks the text rule, or null. */
export function textProblem(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'contains a NUL character';
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return 'contains an unpaired surrogate';
    } else if (c >= 0xdc00 && c <= 0xdfff) return 'contains an unpaired surrogate';
  }
  return null;
}
