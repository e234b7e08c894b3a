import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roles } from './role.ts';
import { canManageLines, canOnLine, canReadEntries, canSeeLine, canWriteMessages, lineActions } from './policy.ts';

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

// Configuring (settings, templates, roster) and managing (who is named) a line, for every role and kind of line.
test('who may configure and manage a line', () => {
  const table: string[] = [];
  for (const role of roles) {
    const m = { id: 1, name: 'x', role };
    for (const discreet of [false, true]) for (const isMember of [false, true]) for (const unassigned of [false, true]) {
      if (isMember && unassigned) continue;
      const a = { discreet, isMember, unassigned };
      if (canOnLine(m, a, 'configure') || canOnLine(m, a, 'manage')) {
        table.push(`${role} ${discreet ? 'discreet' : 'ordinary'} ${isMember ? 'member' : unassigned ? 'unassigned' : 'other'}: ${canOnLine(m, a, 'configure') ? 'C' : '-'}${canOnLine(m, a, 'manage') ? 'M' : '-'}`);
      }
    }
  }
  assert.deepEqual(table, [
    // Named speakers run a discreet line for their side; nobody else outside admins configures anything.
    'principal discreet member: C-',
    'duty_officer discreet member: C-',
    'admin ordinary other: CM',
    'admin ordinary unassigned: CM',
    'admin ordinary member: CM',
    'admin discreet unassigned: CM',
    'admin discreet member: CM',
  ]);
  // Whoever may configure or manage a line may also see it: nothing here can reveal a discreet line.
  for (const role of roles) for (const discreet of [false, true]) for (const isMember of [false, true]) for (const unassigned of [false, true]) {
    const m = { id: 1, name: 'x', role };
    const a = { discreet, isMember, unassigned };
    for (const action of lineActions) if (canOnLine(m, a, action)) assert.ok(canSeeLine(m, a), `${role} may ${action} a line they cannot see`);
  }
});
