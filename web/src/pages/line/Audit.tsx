import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, lineUrl } from '../../api/client.ts';
import { events, stationName, zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';
import { formatTime } from '../../i18n/index.ts';
import { cosigners, parseCheckpointNote, shellWord, type Checkpoint, type Cosignature } from '../../audit/checkpoint.ts';
import { downloadWithToken } from '../../audit/download.ts';
import type { LineView } from '../../../../src/wire/line.ts';
import type { RevocationList, RevocationView } from '../../../../src/wire/revocation.ts';
import type { StationKeysView } from '../../../../src/wire/station-keys.ts';
import '../../audit/audit.css';

interface LogView { party: string; note: string | null; checkpoint: Checkpoint | null; cosignatures: Cosignature[]; error?: string }

async function readLog(line: string, party: string): Promise<LogView> {
  const base = `/logs/${encodeURIComponent(party)}`;
  try {
    const [note, cos] = await Promise.all([
      get<string>(lineUrl(line, `${base}/checkpoint`)).catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
      get<{ cosignatures: Cosignature[] }>(lineUrl(line, `${base}/cosignatures`)).catch((e) => {
        if (e instanceof ApiError && e.status === 404) return { cosignatures: [] };
        throw e;
      }),
    ]);
    const text = typeof note === 'string' ? note : null;
    return { party, note: text, checkpoint: text ? parseCheckpointNote(text) : null, cosignatures: cos.cosignatures };
  } catch (e) {
    return { party, note: null, checkpoint: null, cosignatures: [], error: (e as Error).message };
  }
}

/** The revocations the station recorded for this line's parties, and our own key chain (GET /v1/station/keys). */
async function readKeys(parties: string[]): Promise<{ revocations: RevocationView[]; own: StationKeysView | null }> {
  const [list, own] = await Promise.all([
    get<RevocationList>('/v1/revocations').catch(() => ({ revocations: [] })),
    get<StationKeysView>('/v1/station/keys').catch(() => null),
  ]);
  return { revocations: list.revocations.filter((r) => parties.includes(r.party)), own };
}

export function Audit({ line }: { line: LineView }) {
  const [logs, setLogs] = useState<LogView[] | null>(null);
  const [keys, setKeys] = useState<{ revocations: RevocationView[]; own: StationKeysView | null } | null>(null);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const [download, setDownload] = useState<{ busy: boolean; error: string; done: string }>({ busy: false, error: '', done: '' });
  const [copied, setCopied] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const parties = line.parties.map((p) => p.name);
  const ours = stationName.value;

  const load = async () => {
    const [all, k] = await Promise.all([Promise.all(parties.map((p) => readLog(line.id, p))), readKeys(parties)]);
    setLogs(all);
    setKeys(k);
    setLoadedAt(Date.now());
  };

  useEffect(() => {
    setLogs(null);
    void load();
    const off = events.on((e) => {
      if (e.type !== 'resync' && !(e.line === line.id && (e.type === 'delivery' || e.type === 'entry'))) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void load(), 500);
    });
    return () => {
      off();
      clearTimeout(timer.current);
    };
  }, [line.id]);

  const file = `${line.id}.hotline.json`;
  const command = ['hotline', 'verify', '--bundle', shellWord(file), ...line.parties.flatMap((p) => ['--key', shellWord(p.key)])].join(' ');

  async function exportBundle() {
    setDownload({ busy: true, error: '', done: '' });
    try {
      await downloadWithToken(lineUrl(line.id, '/export'), file);
      setDownload({ busy: false, error: '', done: t('audit:export.done', { file }) });
    } catch (e) {
      setDownload({ busy: false, error: (e as Error).message, done: '' });
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(command);
      setCopied(t('audit:verify.copied'));
    } catch {
      setCopied(t('audit:verify.copyFailed'));
    }
  }

  return (
    <div data-view="Audit" class="audit">
      <section aria-labelledby="audit-export-title" class="audit-export">
        <h2 id="audit-export-title">{t('audit:export.title')}</h2>
        <p>{t('audit:export.intro')}</p>
        <button type="button" onClick={exportBundle} disabled={download.busy} data-action="export-bundle">{t('audit:export.button')}</button>
        <p role="status" class="muted">{download.done}</p>
        {download.error && <p role="alert" class="error">{t('error.generic', { message: download.error })}</p>}
        <h3 id="audit-verify-title">{t('audit:verify.title')}</h3>
        <p>{t('audit:verify.intro', { file })}</p>
        <pre class="mono command" data-testid="verify-command"><code>{command}</code></pre>
        {typeof navigator !== 'undefined' && navigator.clipboard && (
          <p>
            <button type="button" class="secondary" onClick={copy}>{t('audit:verify.copy')}</button> <span role="status">{copied}</span>
          </p>
        )}
        <h3>{t('audit:keys.title')}</h3>
        <p class="muted">{t('audit:keys.intro')}</p>
        <ul class="keys">
          {line.parties.map((p) => (
            <li key={p.name} data-party-key={p.name}>
              <strong>{p.name}</strong>{p.name === ours ? ` ${t('audit:ours')}` : ''}:{' '}
              <span class="fingerprint" data-fingerprint={p.name}>{t('audit:keys.fingerprint', { fingerprint: p.fingerprint })}</span>{' '}
              <code class="mono">{p.key}</code>
            </li>
          ))}
        </ul>
        {keys && <KeyChanges revocations={keys.revocations} own={keys.own} ours={ours} />}
      </section>

      <section aria-labelledby="audit-logs-title">
        <div class="audit-head">
          <h2 id="audit-logs-title">{t('audit:logs.title')}</h2>
          <button type="button" class="secondary" onClick={() => void load()}>{t('audit:refresh')}</button>
          {loadedAt && <span class="muted">{t('audit:loadedAt', { time: formatTime(loadedAt, zone.value) })}</span>}
        </div>
        <p>{t('audit:logs.intro')}</p>
        {!logs ? <p>{t('loading')}</p> : logs.map((log) => <LogCard key={log.party} log={log} parties={parties} ours={ours} />)}
      </section>
    </div>
  );
}

/** Revoked keys (entries they signed after the compromise are disputed), and our own key chain. */
function KeyChanges({ revocations, own, ours }: { revocations: RevocationView[]; own: StationKeysView | null; ours: string }) {
  const z = zone.value;
  return (
    <>
      <h3 id="audit-revocations-title">{t('audit:revocations.title')}</h3>
      <p class="muted">{t('audit:revocations.intro')}</p>
      {revocations.length === 0 ? <p data-revocations="none">{t('audit:revocations.none')}</p> : (
        <ul class="keys" aria-labelledby="audit-revocations-title">
          {revocations.map((r) => (
            <li key={`${r.party} ${r.key}`} data-revoked={r.party}>
              <strong class="receipts warn"><span aria-hidden="true">⚠ </span>{t('audit:revocations.item', { party: r.party, fingerprint: r.fingerprint, time: formatTime(r.compromisedAt, z) })}</strong>
              {r.party === ours ? ` ${t('audit:ours')}` : ''}{' '}
              {r.replacementFingerprint ? t('audit:revocations.replacement', { fingerprint: r.replacementFingerprint }) : t('audit:revocations.noReplacement')}
            </li>
          ))}
        </ul>
      )}
      {own && (
        <>
          <h3 id="audit-chain-title">{t('audit:chain.title')}</h3>
          <ul class="keys" aria-labelledby="audit-chain-title">
            <li>{t('audit:chain.current', { fingerprint: own.fingerprint, where: own.where })}</li>
            {own.rotations.map((r) => <li key={r.statement}>{t('audit:chain.rotation', { time: formatTime(r.time, z), old: r.oldFingerprint, new: r.fingerprint })}</li>)}
          </ul>
        </>
      )}
    </>
  );
}

function LogCard({ log, parties, ours }: { log: LogView; parties: string[]; ours: string }) {
  const z = zone.value;
  const id = `log-${log.party.replace(/\W/g, '-')}`;
  const size = log.checkpoint?.size ?? 0;
  const signers = cosigners(log.cosignatures, parties);
  const others = parties.filter((p) => p !== log.party);
  const receipt = (p: string) => signers.find((s) => s.cosigner === p)?.size ?? 0;
  const missing = others.filter((p) => receipt(p) === 0);
  const least = others.length ? Math.min(...others.map(receipt)) : size;
  const mine = log.party === ours;
  return (
    <article class="log-card" data-log={log.party} aria-labelledby={id}>
      <h3 id={id}>{t('audit:log.title', { party: log.party })}{mine ? ` ${t('audit:ours')}` : ''}</h3>
      {log.error && <p role="alert" class="error">{t('error.generic', { message: log.error })}</p>}
      {!log.checkpoint ? (!log.error && <p>{t('audit:log.empty')}</p>) : (
        <>
          <dl class="log-facts">
            <dt>{t('audit:log.origin')}</dt><dd><code class="mono">{log.checkpoint.origin}</code></dd>
            <dt>{t('audit:log.size')}</dt><dd data-size={size}>{size}</dd>
            <dt>{t('audit:log.root')}</dt><dd><code class="mono hash">{log.checkpoint.root}</code></dd>
            <dt>{t('audit:log.signedBy')}</dt><dd>{log.checkpoint.signatures.map((s) => s.name).join(', ') || '—'}</dd>
          </dl>
          <p class={`receipts ${missing.length ? 'warn' : least >= size ? 'ok' : 'partial'}`} data-receipts={missing.length ? 'missing' : least >= size ? 'complete' : 'partial'}>
            <span aria-hidden="true">{missing.length ? '⚠ ' : least >= size ? '✓ ' : '◐ '}</span>
            {missing.length
              ? t(mine ? 'audit:receipts.missingOurs' : 'audit:receipts.missing', { parties: missing.join(', ') })
              : least >= size
                ? t(mine ? 'audit:receipts.completeOurs' : 'audit:receipts.complete', { size })
                : t(mine ? 'audit:receipts.partialOurs' : 'audit:receipts.partial', { least, size })}
          </p>
          <h4 id={`${id}-note`}>{t('audit:log.note')}</h4>
          <pre class="mono note">{log.note}</pre>
        </>
      )}
      <h4 id={`${id}-cosigners`}>{t('audit:cosigners.title')}</h4>
      {signers.length === 0 ? <p>{t('audit:cosigners.none')}</p> : (
        <table aria-labelledby={`${id}-cosigners`}>
          <thead>
            <tr>
              <th scope="col">{t('audit:cosigners.who')}</th>
              <th scope="col">{t('audit:cosigners.role')}</th>
              <th scope="col">{t('audit:cosigners.size')}</th>
              <th scope="col">{t('audit:cosigners.when')}</th>
              <th scope="col">{t('audit:cosigners.latest')}</th>
            </tr>
          </thead>
          <tbody>
            {signers.map((s) => (
              <tr key={s.cosigner} data-cosigner={s.cosigner} data-role={s.role} data-size={s.size}>
                <td>{s.cosigner}{s.cosigner === ours ? ` ${t('audit:ours')}` : ''}</td>
                <td>{t(`audit:role.${s.role}`)}</td>
                <td>{t('audit:cosigners.sizeOf', { size: s.size, count: s.count })}</td>
                <td>{formatTime(s.timestamp * 1000, z)}</td>
                <td>{s.size >= size ? <><span aria-hidden="true">✓ </span>{t('audit:yes')}</> : <><span aria-hidden="true">◐ </span>{t('audit:upTo', { size: s.size, of: size })}</>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
