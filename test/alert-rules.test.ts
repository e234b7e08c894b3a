import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { StationMetrics } from '../src/station/metrics.ts';
import { families, promtool } from './support/metrics-text.ts';
import { ROOT } from './support/station.ts';

const RULES = join(ROOT, 'docs/alerts/hotline-rules.yml');
const RULE_TESTS = join(ROOT, 'docs/alerts/hotline-rules.test.yml');
const DASHBOARD = join(ROOT, 'docs/grafana-dashboard.json');

/** Every metric family a station exposes, with every collector reporting (a linked peer, both certificates). */
async function exposed(): Promise<Set<string>> {
  const metrics = new StationMetrics();
  metrics.readLinks(() => [{ peer: 'Moscow', status: 'up', rttMs: 3, backlog: { entries: 0, waitingSince: null } }]);
  const dir = mkdtempSync(join(tmpdir(), 'hotline-cert-'));
  const cert = join(dir, 'api.crt');
  writeFileSync(cert, (await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', curve: 'P-256' })).cert);
  metrics.readCertificates({ api: cert, link: cert });
  const text = await metrics.registry.metrics();
  rmSync(dir, { recursive: true, force: true });
  const out = families(text);
  assert.ok(out.has('hotline_tls_certificate_expiry_timestamp_seconds') && text.includes('certificate="api"'), 'the certificate reading works');
  // Prometheus adds `up` to every scrape.
  return new Set([...out, 'up']);
}

/** Metric names an expression uses (histograms by their family: _bucket, _count, _sum). */
function used(expr: string): string[] {
  const names = [...expr.matchAll(/\b((?:hotline|process|nodejs)_[a-z0-9_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1]);
  return names.map((n) => n.replace(/_(bucket|count|sum)$/, ''));
}

test('the alerting rules are valid Prometheus rules', () => {
  const r = promtool(['check', 'rules', RULES]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /SUCCESS: \d+ rules found/);
});

test('the alerting rules do what their unit tests say', () => {
  const r = promtool(['test', 'rules', RULE_TESTS]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /SUCCESS/);
});

test('every alert and every dashboard panel uses only metrics the station exposes', async () => {
  const known = await exposed();
  const rules = readFileSync(RULES, 'utf8');
  const exprs = [...rules.matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]);
  assert.ok(exprs.length >= 10);
  for (const alert of ['HotlineLinkDown', 'HotlineBacklogGrowing', 'HotlineAcknowledgementDeadlineMissed', 'HotlineCheckCallMissed', 'HotlineEquivocation', 'HotlineCertificateExpiringSoon']) {
    assert.ok(rules.includes(`alert: ${alert}\n`), `${alert} is defined`);
  }
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  const panels = (dashboard.panels as Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>).filter((p) => p.type !== 'row');
  assert.ok(panels.length >= 10);
  for (const p of panels) assert.ok(p.targets && p.targets.length > 0, `panel ${p.title} queries something`);
  const dashboardExprs = panels.flatMap((p) => p.targets!.map((t) => t.expr));
  for (const expr of [...exprs, ...dashboardExprs]) {
    const names = used(expr);
    assert.ok(names.length > 0, `${expr} names a metric`);
    for (const name of names) assert.ok(known.has(name), `${name} (in ${expr}) is not a metric the station exposes`);
  }
});
