import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { LineSettings } from '../../../core/kinds/settings.ts';
import { Deadlines } from '../../../core/kinds/precedence.ts';
import { TemplateBody } from '../../../core/kinds/template.ts';
import { ownSettings } from '../../../core/line-state/due.ts';
import { lineStateOf } from '../../commands/line-state-of.ts';
import { defineTemplate, rosterNames, setLineSettings, setRoster } from '../../commands/line-settings.ts';
import { lineFor } from '../../line-access.ts';
import { appendedView } from '../appended-view.ts';
import { memberOf } from '../app.ts';
import { Appended, LineParams } from '../schemas.ts';

// Any subset of the settings, and of the deadlines within them; the rest stay as they are.
const SettingsChange = Type.Partial(
  Type.Object({ ...LineSettings.properties, deadlines: Type.Partial(Deadlines, { additionalProperties: false }) }),
  { additionalProperties: false },
);
const TemplateParams = Type.Object({ line: Type.String({ maxLength: 64 }), number: Type.Integer({ minimum: 1, maximum: 999 }) });
const Roster = Type.Object({ members: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 }) }, { additionalProperties: false });

export async function lineConfigRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/settings', {
    config: { need: 'see' },
    schema: { summary: 'Each party\'s settings for the line (deadlines per precedence, ring time, escalation step, check-call schedule)', params: LineParams },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'see');
    const state = await lineStateOf(station, line.id);
    const parties: Record<string, unknown> = {};
    for (const [party, record] of state.settings) parties[party] = { ...record.settings, time: record.time };
    return { ours: ownSettings(state), parties };
  });

  app.patch<{ Params: Static<typeof LineParams>; Body: Static<typeof SettingsChange> }>('/v1/lines/:line/settings', {
    config: { need: 'configure' },
    schema: { summary: 'Change this party\'s settings for the line (admin); recorded as an entry', params: LineParams, body: SettingsChange },
  }, async (req, reply) => {
    const { appended, settings } = await setLineSettings(station, await memberOf(req), req.params.line, req.body);
    return reply.status(201).send({ ...appendedView(appended), settings });
  });

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/templates', {
    config: { need: 'read' },
    schema: { summary: 'The line\'s pre-agreed, numbered, multilingual message templates', params: LineParams },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    return { templates: [...state.templates.values()].sort((a, b) => a.number - b.number).map((t) => ({ number: t.number, title: t.title ?? null, texts: t.texts, precedence: t.precedence ?? null, definedBy: t.party, time: t.time })) };
  });

  app.put<{ Params: Static<typeof TemplateParams>; Body: Static<typeof TemplateBody> }>('/v1/lines/:line/templates/:number', {
    config: { need: 'configure' },
    schema: { summary: 'Define or redefine template N (admin); recorded as an entry, the latest definition counts', params: TemplateParams, body: TemplateBody, response: { 201: Appended } },
  }, async (req, reply) => reply.status(201).send(appendedView(await defineTemplate(station, await memberOf(req), req.params.line, req.params.number, req.body))));

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/roster', {
    config: { need: 'see' },
    schema: { summary: 'This station\'s watch roster for the line: who is alerted, in order, when a deadline passes', params: LineParams },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'see');
    return { members: await rosterNames(station, line.id) };
  });

  app.put<{ Params: Static<typeof LineParams>; Body: Static<typeof Roster> }>('/v1/lines/:line/roster', {
    config: { need: 'configure' },
    schema: { summary: 'Set the watch roster (admin); members must be named on the line', params: LineParams, body: Roster },
  }, async (req) => ({ members: await setRoster(station, await memberOf(req), req.params.line, req.body.members) }));
}
