import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { consoleLanguages, isLanguageTag, LanguageTag } from './language.ts';

// The clients check a tag before sending it; they must take exactly what the station's schema takes.
test('isLanguageTag agrees with the message schema', () => {
  const samples = ['en', 'ru', 'uk', 'fr', 'zh-Hant', 'sr-Latn-RS', 'gsw', 'EN', 'e', 'english', 'en-', 'en_US', '', 'en-x', `en${'-abcdefgh'.repeat(4)}`];
  for (const tag of samples) assert.equal(isLanguageTag(tag), Value.Check(LanguageTag, tag), tag);
  assert.ok(isLanguageTag('zh-Hant') && !isLanguageTag('EN') && !isLanguageTag(`en${'-abcdefgh'.repeat(4)}`));
});

test('every console language is a tag the station takes', () => {
  for (const l of consoleLanguages) assert.ok(isLanguageTag(l), l);
});
