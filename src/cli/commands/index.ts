export type Command = (argv: string[]) => Promise<number | void>;

/**
 * Each command's module is loaded only when it runs: one invocation then
 * pays for its own imports (the HTTP client for most), not for the station,
 * SQLite and argon2 behind the operator commands.
 */
const lazy = <M>(load: () => Promise<M>, pick: (m: M) => Command): Command => async (argv) => pick(await load())(argv);

export const commands: Record<string, Command> = {
  init: lazy(() => import('./init.ts'), (m) => m.init),
  serve: lazy(() => import('./serve.ts'), (m) => m.serve),
  migrate: lazy(() => import('./migrate.ts'), (m) => m.migrate),
  db: lazy(() => import('./db.ts'), (m) => m.db),
  backup: lazy(() => import('./backup.ts'), (m) => m.backup),
  station: lazy(() => import('./station.ts'), (m) => m.station),
  member: lazy(() => import('./member.ts'), (m) => m.member),
  peer: lazy(() => import('./peer.ts'), (m) => m.peer),
  token: lazy(() => import('./token.ts'), (m) => m.token),
  login: lazy(() => import('./login.ts'), (m) => m.login),
  logout: lazy(() => import('./login.ts'), (m) => m.logout),
  security: lazy(() => import('./security.ts'), (m) => m.security),
  '2fa': lazy(() => import('./second-factor.ts'), (m) => m.secondFactor),
  line: lazy(() => import('./line.ts'), (m) => m.line),
  send: lazy(() => import('./send.ts'), (m) => m.send),
  entries: lazy(() => import('./entries.ts'), (m) => m.entries),
  checkpoint: lazy(() => import('./checkpoint.ts'), (m) => m.checkpoint),
  export: lazy(() => import('./export.ts'), (m) => m.exportCommand),
  verify: lazy(() => import('./verify.ts'), (m) => m.verify),
  witness: lazy(() => import('./witness.ts'), (m) => m.witness),
  messages: lazy(() => import('./messages.ts'), (m) => m.messages),
  ack: lazy(() => import('./messages.ts'), (m) => m.ack),
  translate: lazy(() => import('./messages.ts'), (m) => m.translate),
  call: lazy(() => import('./calls.ts'), (m) => m.call),
  calls: lazy(() => import('./calls.ts'), (m) => m.calls),
  readout: lazy(() => import('./readout.ts'), (m) => m.readout),
  notice: lazy(() => import('./notices.ts'), (m) => m.notice),
  notices: lazy(() => import('./notices.ts'), (m) => m.notices),
  checks: lazy(() => import('./checks.ts'), (m) => m.checks),
  history: lazy(() => import('./history.ts'), (m) => m.history),
  template: lazy(() => import('./templates.ts'), (m) => m.template),
  templates: lazy(() => import('./templates.ts'), (m) => m.templates),
  roster: lazy(() => import('./roster.ts'), (m) => m.roster),
  events: lazy(() => import('./events.ts'), (m) => m.events),
  'integrity-check': lazy(() => import('./integrity-check.ts'), (m) => m.integrityCheck),
  key: lazy(() => import('./key.ts'), (m) => m.key),
  recover: lazy(() => import('./recover.ts'), (m) => m.recover),
};
