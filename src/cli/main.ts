import { HotlineError } from '../core/errors.ts';
import { commands } from './commands/index.ts';

const USAGE = `hotline: run and use a Hotline station

Station (on the station's machine; --dir DIR, default ./station or $HOTLINE_DIR):
  init --name PARTY        create a station: key, config, database (--database postgresql://…)
  serve                    run the station's API
  migrate                  bring the station's database to the current schema version
  db copy --to URL|FILE    copy the station to another database (SQLite ↔ PostgreSQL; --switch)
  backup --to FILE         back the database up (SQLite online backup; pg_dump for PostgreSQL)
  station                  print this station's verifier key and fingerprint
  key rotate|revoke|list   rotate this station's key (peers follow it), revoke a stolen one, list the chain
  member add|list          manage this station's members (set, unlock: through the station)
  peer add|list|remove     pin other parties' stations (key + endpoints)
  peer revoke PARTY        record a peer's stolen key: compromise time, new key's fingerprint
  recover                  fetch this station's own logs back from its peers (a lost disk, an old backup)
  integrity-check          re-check every log in full, now (an admin; through the station)
  token create             issue an API token for a member (list, revoke: through the station)

Using a station (--url URL --token TOKEN, or $HOTLINE_URL and $HOTLINE_TOKEN):
  login                    sign in with name and password; prints a session token
  logout                   end the session; its event streams close
  2fa                      your second factors: TOTP, recovery codes (passkeys: in the console)
  security log|policy      the security log (auditors, admins) and the sign-in policy
  line create|list|show    lines between parties
  line settings            deadlines, ring time, escalation, check-call schedule
  send                     send a message (text or template, with a precedence)
  messages                 messages with their status (delivered, acknowledged, overdue)
  ack                      acknowledge a message, notice or check call
  translate                attach a translation to a message
  call                     place, accept, decline, withdraw or end a call
  calls                    calls on a line and how they went
  readout                  each side's account of a call (draft, publish, show)
  notice file|withdraw     deconfliction notices (area, altitude, time window)
  notices                  notices and the conflicts between them
  checks                   check calls: answered, late, missed; the next one
  history                  contact history (--csv for the call timeline)
  template set, templates  numbered multilingual message templates
  roster                   who is alerted when a deadline passes
  events                   follow the live event stream as JSON lines
  entries                  read one party's log on a line
  checkpoint               print a log's latest signed checkpoint

Proving the record:
  export                   write a line's logs to an offline bundle
  verify                   check a log end to end (station URL or bundle)

Witness (a neutral third party's service; --dir DIR, default ./witness):
  witness init|log|serve   cosign lines' checkpoints without reading them (C2SP tlog-witness)

'hotline COMMAND --help' tells more about each command.`;

/** Runs one CLI invocation; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`hotline: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return (await command(rest)) ?? 0;
  } catch (e) {
    if (e instanceof HotlineError) {
      // Messages from argument checks already name the command ("line settings: …").
      const named = new RegExp(`^${name}( [a-z-]+)?: `).test(e.message);
      console.error(`hotline ${named ? '' : `${name}: `}${e.message}`);
      return e.exitCode;
    }
    console.error(`hotline ${name}: unexpected error: ${(e as Error).stack ?? e}`);
    return 1;
  }
}
