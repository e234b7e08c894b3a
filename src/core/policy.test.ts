import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roles } from './role.ts';
import { canManageLines, canReadEntries, canSeeLine, canWriteMessages } from './policy.ts';

// Every role against every kind of line: the whole table, so a change to the policy shows up here.
test('who may see, read and write a line', () => {
  const table: string[] = [];
  for (const role of roles) {
    const m = { id: 1, name: 'x', role };
    for (const discreet of [false, true]) for (const isMember of [false, true]) for (const unassigned of [false, true]) {
      if (isMember && unassigned) continue;
      const a = { discreet, isMember, unassigned };
      table.push(`${role} ${discreet ? 'discreet' : 'ordinary'} ${isMember ? 'member' : unassigned ? 'unassigned' : 'other'}: ${canSeeLine(m, a) ? 'S' : '-'}${canReadEntries(m, a) ? 'R' : '-'}${canWriteMessages(m, a) ? 'W' : '-'}`);
    }
  }
  const expected = (role: string, see: string[]) => see.map((s) => `${role} ${s}`);
  assert.deepEqual(table.filter((r) => r.startsWith('principal ')), expected('principal', ['ordinary other: ---', 'ordinary unassigned: ---', 'ordinary member: SRW', 'discreet other: ---', 'discreet unassigned: ---', 'discreet member: SRW']));
  assert.deepEqual(table.filter((r) => r.startsWith('duty_officer ')), expected('duty_officer', ['ordinary other: ---', 'ordinary unassigned: ---', 'ordinary member: SRW', 'discreet other: ---', 'discreet unassigned: ---', 'discreet member: SRW']));
  assert.deepEqual(table.filter((r) => r.startsWith('translator ')), expected('translator', ['ordinary other: ---', 'ordinary unassigned: ---', 'ordinary member: SR-', 'discreet other: ---', 'discreet unassigned: ---', 'discreet member: SR-']));
  assert.deepEqual(table.filter((r) => r.startsWith('auditor ')), expected('auditor', ['ordinary other: SR-', 'ordinary unassigned: SR-', 'ordinary member: SR-', 'discreet other: ---', 'discreet unassigned: ---', 'discreet member: SR-']));
  assert.deepEqual(table.filter((r) => r.startsWith('admin ')), expected('admin', ['ordinary other: S--', 'ordinary unassigned: S--', 'ordinary member: SR-', 'discreet other: ---', 'discreet unassigned: S--', 'discreet member: SR-']));
  assert.ok(canManageLines({ id: 1, name: 'x', role: 'admin' }));
  assert.ok(!canManageLines({ id: 1, name: 'x', role: 'principal' }));
});
