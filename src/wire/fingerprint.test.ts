import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { DtlsFingerprint } from '../core/kinds/call.ts';
import { sdpFingerprint } from './fingerprint.ts';

const hex = Array.from({ length: 32 }, (_, i) => (i * 7 + 10).toString(16).padStart(2, '0'));

test('an SDP\'s DTLS fingerprint reads in the form call entries record it', () => {
  const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${hex.join(':')}\r\na=setup:actpass\r\n`;
  const fingerprint = sdpFingerprint(sdp);
  assert.equal(fingerprint, `sha-256 ${hex.join(':').toUpperCase()}`);
  assert.ok(Value.Check(DtlsFingerprint, fingerprint), 'the core\'s call entry schema takes it');
});

test('no fingerprint, another hash or a short one reads as none', () => {
  assert.equal(sdpFingerprint(undefined), null);
  assert.equal(sdpFingerprint('v=0\r\n'), null);
  assert.equal(sdpFingerprint(`a=fingerprint:sha-1 ${hex.slice(0, 20).join(':')}\r\n`), null);
  assert.equal(sdpFingerprint(`a=fingerprint:sha-256 ${hex.slice(0, 31).join(':')}\r\n`), null);
});
