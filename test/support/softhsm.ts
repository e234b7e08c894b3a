import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A private SoftHSM2 for one test file: its own configuration and token
// directory in a temp directory, so no test touches the machine's tokens.
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const UTIL = '/usr/bin/softhsm2-util';

export interface SoftHsm {
  dir: string;
  module: string;
  /** SOFTHSM2_CONF for processes that use these tokens. */
  env: { SOFTHSM2_CONF: string };
  /** Makes a token labelled `label` with user PIN `pin`. */
  initToken(label: string, pin?: string): void;
  cleanup(): void;
}

/** Fails (never skips) where SoftHSM2 is missing: the suite is meant to run the hardware-key tests everywhere. */
export function softHsm(): SoftHsm {
  if (!existsSync(SOFTHSM_MODULE) || !existsSync(UTIL)) {
    throw new Error(`SoftHSM2 is not installed (${SOFTHSM_MODULE}): node scripts/setup.mjs --browser installs it (Debian softhsm2)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'hotline-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { SOFTHSM2_CONF: conf };
  return {
    dir,
    module: SOFTHSM_MODULE,
    env,
    initToken(label, pin = '1234') {
      execFileSync(UTIL, ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '87654321'], { env: { ...process.env, ...env }, stdio: 'pipe' });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
