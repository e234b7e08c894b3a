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
import { memberOf } from '../member-of.ts';
import { LineParams } from '../schemas.ts';
import { Appended } from '../../../wire/appended.ts';
import { LineSettingsView, Roster as RosterView, SettingsChanged, TemplateList, type TemplateView } from '../../../wire/line-config.ts';
import { errors } from '../../../wire/responses.ts';

// Any subset of the settings, and of the deadlines within them; the rest stay as they are.
const SettingsChange = Type.Partial(
  Type.Object({ ...LineSettings.properties, deadlines: Type.Partial(Deadlines, { additionalProperties: false }) }),
  { additionalProperties: false },
);
const TemplateParams = Type.Object({ line: Type.String({ maxLength: 64 }), number: Type.Integer({ minimum: 1, maximum: 999 }) });
const Roster = Type.Object({ members: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 }) }, { additionalProperties: false });

// Settings and templates are entries (409: a lost race); the roster stays in this station's database.
const appendErrors = errors(400, 401, 403, 404, 409, 413, 415, 503);
const storeErrors = errors(400, 401, 403, 404, 413, 415, 503);
const readErrors = errors(400, 401, 403, 404, 503);

export async function lineConfigRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/settings', {
    config: { need: 'see' },
    schema: { operationId: 'getLineSettings', tags: ['settings'], summary: 'Each party\'s settings for the line (deadlines per precedence, ring time, escalation step, check-call schedule)', params: LineParams, response: { 200: LineSettingsView, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'see');
    const state = await lineStateOf(station, line.id);
    const parties: LineSettingsView['parties'] = {};
    for (const [party, record] of state.settings) parties[party] = { ...record.settings, time: record.time };
    return { ours: ownSettings(state), parties } satisfies LineSettingsView;
  });

  app.patch<{ Params: Static<typeof LineParams>; Body: Static<typeof SettingsChange> }>('/v1/lines/:line/settings', {
    config: { need: 'configure' },
    schema: { operationId: 'changeLineSettings', tags: ['settings'], summary: 'Change this party\'s settings for the line (admin); recorded as an entry', params: LineParams, body: SettingsChange, response: { 201: SettingsChanged, ...appendErrors } },
  }, async (req, reply) => {
    const { appended, settings } = await setLineSettings(station, await memberOf(req), req.params.line, req.body);
    return reply.status(201).send({ ...appendedView(appended), settings } satisfies SettingsChanged);
  });

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/templates', {
    config: { need: 'read' },
    schema: { operationId: 'listTemplates', tags: ['settings'], summary: 'The line\'s pre-agreed, numbered, multilingual message templates', params: LineParams, response: { 200: TemplateList, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    return { templates: [...state.templates.values()].sort((a, b) => a.number - b.number).map((t) => ({ number: t.number, title: t.title ?? null, texts: t.texts, precedence: t.precedence ?? null, definedBy: t.party, time: t.time }) satisfies TemplateView) };
  });

  app.put<{ Params: Static<typeof TemplateParams>; Body: Static<typeof TemplateBody> }>('/v1/lines/:line/templates/:number', {
    config: { need: 'configure' },
    schema: { operationId: 'defineTemplate', tags: ['settings'], summary: 'Define or redefine template N (admin); recorded as an entry, the latest definition counts', params: TemplateParams, body: TemplateBody, response: { 201: Appended, ...appendErrors } },
  }, async (req, reply) => reply.status(201).send(appendedView(await defineTemplate(station, await memberOf(req), req.params.line, req.params.number, req.body))));

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/roster', {
    config: { need: 'see' },
    schema: { operationId: 'getRoster', tags: ['settings'], summary: 'This station\'s watch roster for the line: who is alerted, in order, when a deadline passes', params: LineParams, response: { 200: RosterView, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'see');
    return { members: await rosterNames(station, line.id) } satisfies RosterView;
  });

  app.put<{ Params: Static<typeof LineParams>; Body: Static<typeof Roster> }>('/v1/lines/:line/roster', {
    config: { need: 'configure' },
    schema: { operationId: 'setRoster', tags: ['settings'], summary: 'Set the watch roster (admin); members must be named on the line', params: LineParams, body: Roster, response: { 200: RosterView, ...storeErrors } },
  }, async (req) => ({ members: await setRoster(station, await memberOf(req), req.params.line, req.body.members) }) satisfies RosterView);
}
