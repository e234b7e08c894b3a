// `npm run bench`: the figures the issues name, each beside the machine's own
// floor measured in this same run, written to bench/results.json.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { api, fetchStation, makeStationDir, startStation, tlsFor } from '../test/support/station.ts';
import { Client } from '../src/cli/client.ts';
import { verifyRemoteLog } from '../src/cli/remote-verify.ts';
import { parseVerifierKey } from '../src/core/note/key.ts';
import { nodeCrypto } from '../src/node/crypto.ts';
import { appendRate } from './appends.ts';
import { ensureWrk, wrkPost } from './wrk.ts';
import { ed25519Rates, fsyncRate, loopbackRoundTrip, sqliteCommitRate } from './floors.ts';
import { proofLatency } from './proofs.ts';
import { catchUp, deliveryLatency, failover, wssRoundTrip } from './link.ts';
import { clientRoundTrip } from './client-delivery.ts';
import { httpsRequestFloor } from './https-floor.ts';
import { defaultThreads, SignatureWorkers } from '../src/node/signature-workers.ts';
import { ringingLatency } from './ringing.ts';
import { flashToAlarm } from './flash-alarm.ts';
import { consoleSize, consoleTimeToUsable } from './console.ts';
import { broadcastFloor, fanout, sampleEventTexts, type FanoutResult } from './fanout.ts';
import { hostileDelivery } from './hostile.ts';
import { loginGuessRate } from './login.ts';
import { postgresCommitFloor } from './postgres-floor.ts';
import { postgresAppendRate, replicaFailover, standbyEventLatency } from './replicas.ts';
import { startupTime } from './startup.ts';
import { hsmAppendRate } from './hsm.ts';
import { linkSetup } from './link-setup.ts';
import { pqSignatureRates } from './pq-signatures.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, 'proof-log-size': { type: 'string' } } });
const quick = values.quick ?? false;
const proofLogSize = Number(values['proof-log-size'] ?? (quick ? 100_000 : 1_000_000));

interface Metric { name: string; value: number; unit: string; floor?: { name: string; value: number; unit: string }; ratio?: number; target?: string; pass?: boolean }
const metrics: Metric[] = [];
const log = (s: string) => console.log(s);

// Measured first: in this process, after the raw loopback floor below has run,
// the silent-cut proxy stops being noticed (not understood yet; the same
// measurement alone, and the failover test in npm test, behave as expected).
log('failover: silent cut of the circuit in use...');
const heartbeatMs = 1000;
const f = await failover(heartbeatMs).catch((e: Error) => ({ downMs: NaN, failoverMs: NaN, heartbeatMs, switched: false, error: e.message }));
if ('error' in f) log(`  failover bench failed: ${f.error}`);
metrics.push({ name: 'link_cut_to_down', value: f.downMs, unit: 'ms', floor: { name: 'heartbeat_interval_ms', value: heartbeatMs, unit: 'ms' }, ratio: f.downMs / heartbeatMs, target: '<= 3 heartbeat intervals (+ one check tick)', pass: f.downMs <= 3.25 * heartbeatMs });
metrics.push({ name: 'link_cut_to_failover_up', value: f.failoverMs, unit: 'ms', floor: { name: 'heartbeat_interval_ms', value: heartbeatMs, unit: 'ms' }, ratio: f.failoverMs / heartbeatMs, ...(f.switched ? {} : { target: 'switched endpoint', pass: false }) });
log('floors: measuring the machine...');
const rtt = await loopbackRoundTrip(quick ? 1000 : 5000);
const fsyncs = fsyncRate(quick ? 500 : 2000);
const sqliteCommits = sqliteCommitRate(quick ? 500 : 2000);
const ed = ed25519Rates(quick ? 500 : 1500);
const floors: Record<string, number> = {
  loopback_rtt_p50_us: rtt.p50,
  loopback_rtt_p99_us: rtt.p99,
  fsync_per_s: fsyncs,
  sqlite_commits_per_s: sqliteCommits,
  ed25519_sign_per_s: ed.sign,
  ed25519_verify_per_s: ed.verify,
};

log('link: delivery latency, catch-up, failover...');
const wss = await wssRoundTrip(quick ? 500 : 2000);


const commitMs = 1000 / sqliteCommits;
const deliveryFloor = wss.p50 + 2 * commitMs;
for (const rate of [100, 1000]) {
  const d = await deliveryLatency(rate, quick ? 3 : 10);
  metrics.push({ name: `delivery_p50_at_${rate}_per_s`, value: d.p50, unit: 'ms', floor: { name: 'wss_rtt_plus_2_fsync_ms', value: deliveryFloor, unit: 'ms' }, ratio: d.p50 / deliveryFloor });
  metrics.push({
    name: `delivery_p99_at_${rate}_per_s`, value: d.p99, unit: 'ms', floor: { name: 'wss_rtt_plus_2_fsync_ms', value: deliveryFloor, unit: 'ms' }, ratio: d.p99 / deliveryFloor,
    target: '<= 10 x floor', pass: d.p99 <= 10 * deliveryFloor,
  });
}
log('link: a client\'s round trip (POST at A, then B\'s receipt on the same client\'s event stream), one message at a time...');
const trip = await clientRoundTrip(quick ? 300 : 1000).catch((e: Error) => {
  log(`  client round trip failed: ${e.message}`);
  return { p50: NaN, p99: NaN, n: 0 };
});
metrics.push({ name: 'client_round_trip_p50', value: trip.p50, unit: 'ms', floor: { name: 'wss_rtt_plus_2_fsync_ms', value: deliveryFloor, unit: 'ms' }, ratio: trip.p50 / deliveryFloor });
metrics.push({ name: 'client_round_trip_p99', value: trip.p99, unit: 'ms', floor: { name: 'wss_rtt_plus_2_fsync_ms', value: deliveryFloor, unit: 'ms' }, ratio: trip.p99 / deliveryFloor });
log('console: JavaScript size and time to a usable line view with 10,000 entries...');
const size = consoleSize();
metrics.push({ name: 'console_js_gzip', value: size.gzip / 1024, unit: 'KiB', target: '< 250 KiB', pass: size.gzip / 1024 < 250 });
metrics.push({ name: 'console_js_raw', value: size.raw / 1024, unit: 'KiB' });
const usable = await consoleTimeToUsable(quick ? 2000 : 10_000, quick ? 3 : 7).catch((e: Error) => {
  log(`  console bench failed: ${e.message}`);
  return undefined;
});
if (usable) {
  const floor = { name: 'console_sign_in_page_p50', value: usable.signInPage.p50, unit: 'ms' };
  metrics.push({ name: `console_usable_line_view_p50_${usable.entries}_entries`, value: usable.usable.p50, unit: 'ms', floor, ratio: usable.usable.p50 / usable.signInPage.p50, target: '< 1000 ms', pass: usable.usable.p50 < 1000 });
  metrics.push({ name: `console_usable_line_view_p99_${usable.entries}_entries`, value: usable.usable.p99, unit: 'ms', floor, ratio: usable.usable.p99 / usable.signInPage.p50, target: '< 1000 ms', pass: usable.usable.p99 < 1000 });
}

log('calls: request at A to call.ringing on a console of B...');
const ringing = await ringingLatency(quick ? 50 : 200, 10).catch((e: Error) => {
  log(`  ringing bench failed: ${e.message}`);
  return { p50: NaN, p99: NaN, n: 0, placedP50: NaN };
});
const ringFloor = { name: 'wss_rtt_plus_2_fsync_ms', value: deliveryFloor, unit: 'ms' };
metrics.push({ name: 'call_ringing_p50', value: ringing.p50, unit: 'ms', floor: ringFloor, ratio: ringing.p50 / deliveryFloor });
metrics.push({ name: 'call_ringing_p99', value: ringing.p99, unit: 'ms', floor: ringFloor, ratio: ringing.p99 / deliveryFloor });
metrics.push({ name: 'call_request_answered_p50', value: ringing.placedP50, unit: 'ms' });

log('alarms: FLASH at A to the alarm on a console of B that shows another page...');
const alarm = await flashToAlarm(quick ? 10 : 40).catch((e: Error) => {
  log(`  alarm bench failed: ${e.message}`);
  return { p50: NaN, p99: NaN };
});
metrics.push({ name: 'flash_to_alarm_on_console_p50', value: alarm.p50, unit: 'ms', floor: ringFloor, ratio: alarm.p50 / deliveryFloor, target: '< 250 ms', pass: alarm.p50 < 250 });
metrics.push({ name: 'flash_to_alarm_on_console_p99', value: alarm.p99, unit: 'ms', floor: ringFloor, ratio: alarm.p99 / deliveryFloor, target: '< 500 ms', pass: alarm.p99 < 500 });
const backlog = quick ? 20_000 : 100_000;
const c = await catchUp(backlog);
metrics.push({
  name: `catch_up_entries_per_s_${backlog}`, value: c.rate, unit: 'entries/s', floor: { name: 'ed25519_verify_per_s', value: ed.verify, unit: 'verifies/s' }, ratio: c.rate / ed.verify,
  target: '>= 0.5 x verify floor', pass: c.rate >= 0.5 * ed.verify,
});
log('appends: starting a station process...');
const s = await makeStationDir('Bench', { root: 'admin', duty: 'duty_officer' });
const station = await startStation(s.dir);
let appendedTotal = 0;
try {
  await api(station.url, s.tokens.root, 'POST', '/v1/lines', { id: 'bench', title: 'Bench', parties: [], members: ['duty'] });
  const haveWrk = ensureWrk();
  const body = JSON.stringify({ text: 'Routine line traffic: position report unchanged.', lang: 'en' });
  const run = async (writers: number, ms: number) => {
    if (!haveWrk) return appendRate(station.url, s.tokens.duty, 'bench', writers, ms);
    const r = wrkPost(`${station.url}/v1/lines/bench/messages`, s.tokens.duty, body, writers, Math.round(ms / 1000));
    if (r.errors > 0) throw new Error(`${r.errors} appends failed under load`);
    return r;
  };
  log(`appends: load from ${haveWrk ? 'wrk' : 'undici (wrk not available)'}`);
  const one = await run(1, quick ? 2000 : 4000);
  const many = await run(64, quick ? 3000 : 6000);
  appendedTotal = one.count + many.count;
  metrics.push({ name: 'appends_per_s_1_writer', value: one.rate, unit: 'entries/s', floor: { name: 'sqlite_commits_per_s', value: sqliteCommits, unit: 'commits/s' }, ratio: one.rate / sqliteCommits });
  metrics.push({ name: 'append_latency_1_writer_p50', value: one.p50, unit: 'ms' });
  metrics.push({
    name: 'appends_per_s_64_writers', value: many.rate, unit: 'entries/s', floor: { name: 'ed25519_sign_per_s', value: ed.sign, unit: 'signatures/s' }, ratio: many.rate / ed.sign,
    target: '>= 0.5 x Ed25519 sign floor', pass: many.rate >= 0.5 * ed.sign,
  });
  metrics.push({
    name: 'appends_per_s_64_writers_vs_fsync', value: many.rate, unit: 'entries/s', floor: { name: 'sqlite_commits_per_s', value: sqliteCommits, unit: 'commits/s' }, ratio: many.rate / sqliteCommits,
    target: '>= 2 x one-fsync-per-append floor', pass: many.rate >= 2 * sqliteCommits,
  });
  metrics.push({ name: 'append_latency_64_writers_p99', value: many.p99, unit: 'ms' });
  if (haveWrk) {
    // What the API could reach at most here: bare Fastify over TLS, no hooks, no storage, no signing, same load.
    const https = await httpsRequestFloor(64, quick ? 3 : 5);
    floors.https_requests_per_s_64_clients = https;
    metrics.push({ name: 'appends_per_s_64_writers_vs_https', value: many.rate, unit: 'entries/s', floor: { name: 'https_requests_per_s_64_clients', value: https, unit: 'requests/s' }, ratio: many.rate / https });
  }
  const m = await (await fetchStation(`${station.url}/metrics`)).text();
  const sum = Number(/hotline_commit_entries_sum (\S+)/.exec(m)?.[1]);
  const count = Number(/hotline_commit_entries_count (\S+)/.exec(m)?.[1]);
  metrics.push({ name: 'entries_per_group_commit_mean', value: sum / count, unit: 'entries' });

  log(`verify: checking the ${appendedTotal}-entry log as hotline verify does...`);
  const client = new Client(station.url, s.tokens.duty, { kind: 'ca', ca: tlsFor(station.url).ca!, from: "the bench station's api.crt" });
  const key = parseVerifierKey(nodeCrypto, s.identity.vkey);
  // As hotline verify does by default (signatures on one thread per core), and with --threads 0.
  const verifyRate = async (threads: number) => {
    const batch = threads > 0 ? new SignatureWorkers(threads) : undefined;
    try {
      const t = performance.now();
      const { checkpoint } = (await verifyRemoteLog(nodeCrypto, client, { line: 'bench', party: 'Bench', key }, { batch }))!;
      return (checkpoint.size * 1000) / (performance.now() - t);
    } finally {
      await batch?.close();
    }
  };
  const threads = defaultThreads();
  const byDefault = await verifyRate(threads);
  const oneThread = await verifyRate(0);
  metrics.push({
    name: 'verify_entries_per_s', value: byDefault, unit: 'entries/s', floor: { name: 'ed25519_verify_per_s', value: ed.verify, unit: 'verifies/s' }, ratio: byDefault / ed.verify,
    target: `>= 0.8 x single-core Ed25519 verify floor (${threads} signature threads)`, pass: byDefault >= 0.8 * ed.verify,
  });
  metrics.push({
    name: 'verify_entries_per_s_one_thread', value: oneThread, unit: 'entries/s', floor: { name: 'ed25519_verify_per_s', value: ed.verify, unit: 'verifies/s' }, ratio: oneThread / ed.verify,
  });
} finally {
  await station.stop();
  s.cleanup();
}

log('keys: checkpoint signing and verification with and without the ML-DSA-44 line (one core, in process)...');
const pq = await pqSignatureRates(quick ? 200 : 500);
metrics.push({ name: 'checkpoint_sign_ed25519_per_s', value: pq.signEd25519PerS, unit: '/s', floor: { name: 'ed25519_sign_per_s', value: ed.sign, unit: '/s' }, ratio: pq.signEd25519PerS / ed.sign });
metrics.push({ name: 'checkpoint_sign_ed25519_mldsa44_per_s', value: pq.signBothPerS, unit: '/s', floor: { name: 'checkpoint_sign_ed25519_per_s', value: pq.signEd25519PerS, unit: '/s' }, ratio: pq.signBothPerS / pq.signEd25519PerS });
metrics.push({ name: 'checkpoint_verify_ed25519_per_s', value: pq.verifyEd25519PerS, unit: '/s', floor: { name: 'ed25519_verify_per_s', value: ed.verify, unit: '/s' }, ratio: pq.verifyEd25519PerS / ed.verify });
metrics.push({ name: 'checkpoint_verify_ed25519_skipping_mldsa44_per_s', value: pq.verifyEd25519SkippingMlDsaPerS, unit: '/s', floor: { name: 'checkpoint_verify_ed25519_per_s', value: pq.verifyEd25519PerS, unit: '/s' }, ratio: pq.verifyEd25519SkippingMlDsaPerS / pq.verifyEd25519PerS });
metrics.push({ name: 'checkpoint_verify_ed25519_mldsa44_per_s', value: pq.verifyBothPerS, unit: '/s', floor: { name: 'checkpoint_verify_ed25519_per_s', value: pq.verifyEd25519PerS, unit: '/s' }, ratio: pq.verifyBothPerS / pq.verifyEd25519PerS });
metrics.push({ name: 'checkpoint_note_bytes_with_mldsa44', value: pq.noteBytesBoth, unit: 'B', floor: { name: 'checkpoint_note_bytes_ed25519', value: pq.noteBytesEd25519, unit: 'B' }, ratio: pq.noteBytesBoth / pq.noteBytesEd25519 });

log('keys: appends with the station key in SoftHSM2, beside the file key (64 writers, in turns)...');
const hsm = await hsmAppendRate({ writers: 64, ms: quick ? 3000 : 6000 }).catch((e: Error) => (log(`  hsm bench failed: ${e.message}`), undefined));
if (hsm) {
  floors.softhsm2_ed25519_sign_per_s = hsm.tokenSignPerS;
  metrics.push({ name: 'softhsm2_ed25519_sign_per_s', value: hsm.tokenSignPerS, unit: 'signatures/s', floor: { name: 'ed25519_sign_per_s', value: hsm.fileSignPerS, unit: 'signatures/s' }, ratio: hsm.tokenSignPerS / hsm.fileSignPerS });
  metrics.push({ name: 'appends_per_s_64_writers_key_in_softhsm2', value: hsm.token.rate, unit: 'entries/s', floor: { name: 'softhsm2_ed25519_sign_per_s', value: hsm.tokenSignPerS, unit: 'signatures/s' }, ratio: hsm.token.rate / hsm.tokenSignPerS });
  metrics.push({ name: 'appends_per_s_64_writers_key_in_file_beside_softhsm2', value: hsm.file.rate, unit: 'entries/s', floor: { name: 'ed25519_sign_per_s', value: hsm.fileSignPerS, unit: 'signatures/s' }, ratio: hsm.file.rate / hsm.fileSignPerS });
  metrics.push({ name: 'append_latency_64_writers_p99_key_in_softhsm2', value: hsm.token.p99, unit: 'ms' });
}

log('keys: link set-up time with and without the hybrid key exchange (X25519 + ML-KEM-768)...');
const setup = await linkSetup(quick ? 50 : 200).catch((e: Error) => (log(`  link set-up bench failed: ${e.message}`), undefined));
if (setup) {
  metrics.push({ name: 'link_setup_p50_hybrid', value: setup.hybrid.p50, unit: 'ms', floor: { name: 'link_setup_p50_tls_only', value: setup.tlsOnly.p50, unit: 'ms' }, ratio: setup.hybrid.p50 / setup.tlsOnly.p50 });
  metrics.push({ name: 'link_setup_p99_hybrid', value: setup.hybrid.p99, unit: 'ms', floor: { name: 'link_setup_p99_tls_only', value: setup.tlsOnly.p99, unit: 'ms' }, ratio: setup.hybrid.p99 / setup.tlsOnly.p99 });
}

const consoles = 1000;
log(`fan-out: one station, ${consoles} consoles on /v1/events (in this process), writers in another...`);
const fan: FanoutResult | undefined = await fanout({ consoles, members: 10, writers: 4, ms: quick ? 3000 : 5000 }).catch((e: Error) => {
  log(`  fan-out bench failed: ${e.message}`);
  return undefined;
});
log('fan-out floor: a bare ws server process broadcasting the same texts to as many clients...');
const texts = sampleEventTexts(fan?.samples);
const bcast = await broadcastFloor(texts, consoles, quick ? 2000 : 4000);
const bcastInProcess = await broadcastFloor(texts, consoles, quick ? 2000 : 4000, true);
floors.ws_broadcast_1000_per_s = bcast.deliveriesPerS;
floors.ws_broadcast_1000_in_process_per_s = bcastInProcess.deliveriesPerS;
floors.ws_broadcast_server_cpu_us_per_frame = (bcast.serverCpu * 1e6) / bcast.deliveriesPerS;
floors.ws_broadcast_client_cpu_cores = bcast.benchCpu;
const roundMs = (consoles * 1000) / bcast.deliveriesPerS;
floors.ws_broadcast_1000_round_ms = roundMs;
{
  const f = fan ?? ({ deliveriesPerS: NaN, lagP50: NaN, lagP99: NaN, appendsPerS: NaN, eventsPerAppend: NaN, benchCpu: NaN, stationCpu: NaN, dropped: NaN, missing: NaN } as FanoutResult);
  const perS = { name: 'ws_broadcast_1000_per_s', value: bcast.deliveriesPerS, unit: 'frames/s' };
  const round = { name: 'ws_broadcast_1000_round_ms', value: roundMs, unit: 'ms' };
  metrics.push({ name: `fanout_events_per_s_${consoles}_consoles`, value: f.deliveriesPerS, unit: 'events/s', floor: perS, ratio: f.deliveriesPerS / bcast.deliveriesPerS });
  metrics.push({ name: 'fanout_lag_p50', value: f.lagP50, unit: 'ms', floor: round, ratio: f.lagP50 / roundMs });
  metrics.push({ name: 'fanout_lag_p99', value: f.lagP99, unit: 'ms', floor: round, ratio: f.lagP99 / roundMs });
  metrics.push({ name: 'fanout_appends_per_s', value: f.appendsPerS, unit: 'entries/s' });
  metrics.push({ name: 'fanout_events_per_append_per_console', value: f.eventsPerAppend, unit: 'events' });
  const usPerEvent = (f.stationCpu * 1e6) / f.deliveriesPerS;
  metrics.push({ name: 'fanout_station_cpu_per_event', value: usPerEvent, unit: 'us', floor: { name: 'ws_broadcast_server_cpu_us_per_frame', value: floors.ws_broadcast_server_cpu_us_per_frame, unit: 'us' }, ratio: usPerEvent / floors.ws_broadcast_server_cpu_us_per_frame });
  metrics.push({ name: 'fanout_station_cpu', value: f.stationCpu, unit: 'cores' });
  metrics.push({ name: 'fanout_bench_process_cpu', value: f.benchCpu, unit: 'cores', floor: { name: 'ws_broadcast_client_cpu_cores', value: bcast.benchCpu, unit: 'cores' }, ratio: f.benchCpu / bcast.benchCpu });
  metrics.push({ name: 'fanout_consoles_dropped', value: f.dropped, unit: 'consoles' });
  metrics.push({ name: 'fanout_entry_events_missing', value: f.missing, unit: 'events' });
}

log('hostile: delivery at 100/s between two stations, quiet and while 1,000 hostile connections hammer the link port...');
const hostile = await hostileDelivery({ seconds: quick ? 3 : 8 }).catch((e: Error) => {
  log(`  hostile bench failed: ${e.message}`);
  return undefined;
});
if (hostile) {
  const quiet = { name: 'delivery_p50_quiet_ms', value: hostile.quiet.p50, unit: 'ms' };
  metrics.push({ name: 'delivery_p50_quiet', value: hostile.quiet.p50, unit: 'ms', floor: { name: 'wss_rtt_plus_2_fsync_ms', value: deliveryFloor, unit: 'ms' }, ratio: hostile.quiet.p50 / deliveryFloor });
  metrics.push({ name: 'delivery_p99_quiet', value: hostile.quiet.p99, unit: 'ms', floor: { name: 'wss_rtt_plus_2_fsync_ms', value: deliveryFloor, unit: 'ms' }, ratio: hostile.quiet.p99 / deliveryFloor });
  metrics.push({ name: 'delivery_p50_under_1000_hostile', value: hostile.underAttack.p50, unit: 'ms', floor: quiet, ratio: hostile.underAttack.p50 / hostile.quiet.p50 });
  metrics.push({ name: 'delivery_p99_under_1000_hostile', value: hostile.underAttack.p99, unit: 'ms', floor: { ...quiet, name: 'delivery_p99_quiet_ms', value: hostile.quiet.p99 }, ratio: hostile.underAttack.p99 / hostile.quiet.p99 });
  metrics.push({ name: 'hostile_connection_attempts', value: Object.values(hostile.attack.attempts).reduce((a, b) => a + b, 0), unit: 'connections' });
  metrics.push({ name: 'hostile_refused_before_tls', value: hostile.attack.refused, unit: 'connections' });
  metrics.push({ name: 'hostile_rss_growth_mib', value: hostile.rssMiB.peak - hostile.rssMiB.before, unit: 'MiB' });
}

log('login: wrong passwords against one account, 8 connections in parallel...');
const guesses = await loginGuessRate({ seconds: quick ? 5 : 10 }).catch((e: Error) => {
  log(`  login bench failed: ${e.message}`);
  return undefined;
});
if (guesses) {
  metrics.push({
    name: 'login_guesses_per_s_one_account', value: guesses.guessesPerSecond, unit: '/s',
    floor: { name: 'argon2id_verify_per_s', value: guesses.argon2VerifyPerSecond, unit: '/s' }, ratio: guesses.guessesPerSecond / guesses.argon2VerifyPerSecond,
  });
  metrics.push({ name: 'login_attempts_refused_unchecked', value: guesses.refusedWaiting + guesses.refusedLocked, unit: 'requests' });
  floors.argon2id_verify_per_s = guesses.argon2VerifyPerSecond;
}

log('postgres: raw synchronous commit floor, appends with 64 clients, standby events, failover over 10 leader kills...');
const pgFloor = await postgresCommitFloor(quick ? 1000 : 2000).catch((e: Error) => (log(`  postgres floor failed: ${e.message}`), undefined));
if (pgFloor) {
  floors.postgres_commits_per_s = pgFloor.commitsPerS;
  const floor = { name: 'postgres_commits_per_s', value: pgFloor.commitsPerS, unit: 'commits/s' };
  const pa = await postgresAppendRate(64, quick ? 3000 : 6000).catch((e: Error) => (log(`  postgres appends failed: ${e.message}`), undefined));
  if (pa) {
    metrics.push({ name: 'postgres_appends_per_s_64_writers', value: pa.rate, unit: 'entries/s', floor, ratio: pa.rate / pgFloor.commitsPerS, target: '>= 2 x one-commit-per-append floor', pass: pa.rate >= 2 * pgFloor.commitsPerS });
    metrics.push({ name: 'postgres_append_latency_64_writers_p99', value: pa.p99, unit: 'ms' });
    metrics.push({ name: 'postgres_entries_per_commit_mean', value: pa.entriesPerCommit, unit: 'entries' });
    metrics.push({ name: 'postgres_station_cpu_cores', value: pa.stationCpuCores, unit: 'cores' });
  }
}
const sb = await standbyEventLatency(quick ? 100 : 300, 50).catch((e: Error) => (log(`  standby bench failed: ${e.message}`), undefined));
if (sb) {
  const floor = { name: 'leader_event_latency_p50_ms', value: sb.leader.p50, unit: 'ms' };
  metrics.push({ name: 'leader_event_latency_p50', value: sb.leader.p50, unit: 'ms' });
  metrics.push({ name: 'standby_event_latency_p50', value: sb.follower.p50, unit: 'ms', floor, ratio: sb.follower.p50 / sb.leader.p50, target: "<= leader's p50 + 5 ms", pass: sb.differenceP50 <= 5 });
  metrics.push({ name: 'standby_event_latency_p99', value: sb.follower.p99, unit: 'ms' });
}
const fo = await replicaFailover(quick ? 3 : 10, 2000, log).catch((e: Error) => (log(`  replica failover bench failed: ${e.message}`), undefined));
if (fo) {
  const lease = { name: 'lease_ms', value: fo.leaseMs, unit: 'ms' };
  metrics.push({ name: 'replica_failover_p50', value: fo.p50, unit: 'ms', floor: lease, ratio: fo.p50 / fo.leaseMs, target: '<= 5000 ms with a 2 s lease', pass: fo.p50 <= 5000 });
  metrics.push({ name: 'replica_failover_max', value: fo.max, unit: 'ms', floor: lease, ratio: fo.max / fo.leaseMs, target: '<= 5000 ms with a 2 s lease', pass: fo.max <= 5000 });
}

log('startup: a station with a 1,000,000-entry line (built once, cached in bench/.cache)...');
const startup = await startupTime({ entries: quick ? 100_000 : 1_000_000, runs: quick ? 1 : 3, log }).catch((e: Error) => {
  log(`  startup bench failed: ${e.message}`);
  return undefined;
});
if (startup) {
  const n = startup.entries;
  const listenFloor = { name: 'empty_station_listening_ms', value: startup.empty.listeningMs, unit: 'ms' };
  const readFloor = { name: 'empty_station_first_read_ms', value: startup.empty.firstReadMs, unit: 'ms' };
  metrics.push({ name: `startup_to_listening_${n}_entries`, value: startup.listeningMs, unit: 'ms', floor: listenFloor, ratio: startup.listeningMs / startup.empty.listeningMs, target: '< 3000 ms', pass: startup.listeningMs < 3000 });
  metrics.push({ name: `startup_to_first_read_${n}_entries`, value: startup.firstReadMs, unit: 'ms', floor: readFloor, ratio: startup.firstReadMs / startup.empty.firstReadMs, target: '< 3000 ms', pass: startup.firstReadMs < 3000 });
  metrics.push({ name: `startup_rss_${n}_entries`, value: startup.rssMiB, unit: 'MiB', floor: { name: 'empty_station_rss_mib', value: startup.empty.rssMiB, unit: 'MiB' }, ratio: startup.rssMiB / startup.empty.rssMiB });
  if (startup.fullCheckMs !== null) metrics.push({ name: `full_integrity_check_${n}_entries`, value: startup.fullCheckMs, unit: 'ms', floor: { name: 'ed25519_verify_per_s', value: ed.verify, unit: 'verifies/s' }, ratio: (n * 1000) / startup.fullCheckMs / ed.verify });
  floors.empty_station_listening_ms = startup.empty.listeningMs;
  floors.empty_station_rss_mib = startup.empty.rssMiB;
}

log(`proofs: ${proofLogSize}-entry log (built once, cached in bench/.cache)...`);
const proofs = await proofLatency(proofLogSize, quick ? 5000 : 20000, log);
metrics.push({ name: `inclusion_proof_p50_${proofLogSize}`, value: proofs.inclusion.p50, unit: 'us' });
metrics.push({ name: `inclusion_proof_p99_${proofLogSize}`, value: proofs.inclusion.p99, unit: 'us', floor: { name: 'loopback_rtt_p50_us', value: rtt.p50, unit: 'us' }, ratio: proofs.inclusion.p99 / rtt.p50, target: '< 1000 us', pass: proofs.inclusion.p99 < 1000 });
metrics.push({ name: `consistency_proof_p50_${proofLogSize}`, value: proofs.consistency.p50, unit: 'us' });
metrics.push({ name: `consistency_proof_p99_${proofLogSize}`, value: proofs.consistency.p99, unit: 'us', target: '< 1000 us', pass: proofs.consistency.p99 < 1000 });

floors.wss_rtt_p50_ms = wss.p50;
floors.wss_rtt_plus_2_fsync_ms = deliveryFloor;

const results = {
  when: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  quick,
  floors,
  metrics,
  details: {
    ringing,
    fanout: fan ? { ...fan, samples: undefined, floor: { child: bcast, inProcess: bcastInProcess } } : { error: 'failed', floor: { child: bcast, inProcess: bcastInProcess } },
  },
};
writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2));
log('\nfloors (this machine, this run)');
for (const [k, v] of Object.entries(floors)) log(`  ${k.padEnd(36)} ${fmt(v)}`);
log('\nmetrics');
for (const m of metrics) {
  const vs = m.floor ? `  = ${m.ratio!.toFixed(2)} x ${m.floor.name}` : '';
  const verdict = m.pass === undefined ? '' : m.pass ? `  PASS (${m.target})` : `  MISS (${m.target})`;
  log(`  ${m.name.padEnd(36)} ${fmt(m.value).padStart(10)} ${m.unit}${vs}${verdict}`);
}
log('\nwritten to bench/results.json');
// Stations and proxies of the failed measurements may leave handles open; the figures are written.
process.exit(0);
