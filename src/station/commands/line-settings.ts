import { badRequest } from '../../core/errors.ts';
import { checkSchedule } from '../../core/check-schedule/schedule.ts';
import { SETTINGS_KIND, type LineSettings } from '../../core/kinds/settings.ts';
import { TEMPLATE_KIND, type TemplateBody, type TemplateEntryBody } from '../../core/kinds/template.ts';
import { ownSettings } from '../../core/line-state/due.ts';
import type { Member } from '../../core/policy.ts';
import type { Appended } from '../appender.ts';
import { lineFor } from '../line-access.ts';
import type { Station } from '../station.ts';
import { lineStateOf } from './line-state-of.ts';

/** Records this party's settings for the line (deadlines, ring time, escalation step, check calls). */
export async function setLineSettings(station: Station, actor: Member, lineId: string, change: Partial<Omit<LineSettings, 'deadlines'>> & { deadlines?: Partial<LineSettings['deadlines']> }): Promise<{ appended: Appended; settings: LineSettings }> {
  const line = await lineFor(station.store, actor, lineId, 'configure');
  const state = await lineStateOf(station, line.id);
  const current = ownSettings(state);
  const settings: LineSettings = { ...current, ...change, deadlines: { ...current.deadlines, ...(change.deadlines ?? {}) } };
  if (settings.checks) {
    const problem = checkSchedule(settings.checks);
    if (problem) throw badRequest(`checks: ${problem}`);
    if (line.parties.length < 2) throw badRequest('check calls need another party on the line');
  }
  const appended = await station.appender.append({ line: line.id, kind: SETTINGS_KIND, body: settings });
  // Sharing starts with where the principals are now, not with their next change.
  if (settings.sharePresence && !current.sharePresence) await station.presence.shareOn(line.id);
  return { appended, settings };
}

/** Defines (or redefines) a pre-agreed numbered template; the latest definition counts. */
export async function defineTemplate(station: Station, actor: Member, lineId: string, number: number, template: TemplateBody): Promise<Appended> {
  const line = await lineFor(station.store, actor, lineId, 'configure');
  const body: TemplateEntryBody = { number, texts: template.texts, ...(template.title ? { title: template.title } : {}), ...(template.precedence ? { precedence: template.precedence } : {}) };
  return station.appender.append({ line: line.id, kind: TEMPLATE_KIND, body });
}

/** The watch roster: who is alerted, in order, when a deadline passes unanswered. Local to this station. */
export async function setRoster(station: Station, actor: Member, lineId: string, names: string[]): Promise<string[]> {
  const line = await lineFor(station.store, actor, lineId, 'configure');
  const all = await station.store.listMembers();
  const ids = names.map((name) => {
    const m = all.find((x) => x.name === name);
    if (!m) throw badRequest(`no member named ${name} on this station`);
    if (!line.memberIds.includes(m.id)) throw badRequest(`${name} is not named on this line`);
    return m.id;
  });
  if (new Set(ids).size !== ids.length) throw badRequest('a member appears twice in the roster');
  await station.store.setRoster(line.id, ids);
  return names;
}

export async function rosterNames(station: Station, lineId: string): Promise<string[]> {
  const ids = await station.store.roster(lineId);
  const all = await station.store.listMembers();
  return ids.map((id) => all.find((m) => m.id === id)?.name).filter((n): n is string => !!n);
}
