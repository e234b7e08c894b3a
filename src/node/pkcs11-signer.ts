// Ed25519 signing inside a PKCS#11 token or HSM (PKCS#11 3.0: CKK_EC_EDWARDS,
// CKM_EDDSA), so that the private key never exists in the station's memory.
// pkcs11js is synchronous, like the core's Signer: a signature is one
// C_SignInit + C_Sign on the process's one session with the token, and
// since JavaScript runs one call at a time, two signatures never interleave.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Bytes, Signer } from '../core/crypto.ts';
import { HotlineError } from '../core/errors.ts';

// PKCS#11 3.0 numbers that pkcs11js 2.1 (a 2.40 binding) does not name.
const CKK_EC_EDWARDS = 0x40;
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;
// CKA_EC_PARAMS for Ed25519: RFC 8410's OID (what PKCS#11 3.1 prefers) and
// PKCS#11 3.0's PrintableString "edwards25519". Tokens answer with either.
const ED25519_OID = Buffer.from('06032b6570', 'hex');
const ED25519_NAME = Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519')]);
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Where a key lives: a module, a token in it (by label) and the user PIN. */
export interface Pkcs11Token {
  /** Path of the PKCS#11 module (.so), e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  /** The token's label (CKA_LABEL of the token, as softhsm2-util --show-slots prints it). */
  token: string;
  pin: string;
}

export interface Pkcs11Signer extends Signer {
  /** The private key object's CKA_LABEL when it was opened. */
  readonly label: string;
  /** For operators: "PKCS#11 token t, key hotline-Paris". */
  readonly where: string;
  /** Ends this signer's hold on the token's session (the last one logs out and finalizes the module). */
  close(): void;
}

type Module = { lib: pkcs11js.PKCS11; users: number };
type Session = { key: string; at: Pkcs11Token; mod: Module; handle: Buffer | undefined; users: number };

// One initialised module per path and one logged-in session per token, per
// process: C_Initialize twice fails, and a token's login belongs to the
// application, not to a session.
const modules = new Map<string, Module>();
const sessions = new Map<string, Session>();

const codeName = (e: unknown) => (e instanceof Error ? e.message.split(/[:\s]/)[0] : String(e));
const codeOf = (e: unknown) => (e as { code?: number }).code;

function loadModule(path: string): Module {
  let mod = modules.get(path);
  if (mod) return mod;
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(path);
  } catch (e) {
    throw new HotlineError('not_found', `cannot load the PKCS#11 module ${path}: ${(e as Error).message}`);
  }
  try {
    lib.C_Initialize();
  } catch (e) {
    // Another library in this process may have initialised it already; that is fine.
    if (codeOf(e) !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw new HotlineError('unavailable', `the PKCS#11 module ${path} did not initialise: ${codeName(e)} (check the module's own configuration; SoftHSM2: SOFTHSM2_CONF and its tokendir)`);
    }
  }
  mod = { lib, users: 0 };
  modules.set(path, mod);
  return mod;
}

function releaseModule(path: string, mod: Module): void {
  if (--mod.users > 0) return;
  modules.delete(path);
  try {
    mod.lib.C_Finalize();
  } catch {
    // Finalizing is tidiness; the process may be on its way out.
  }
  try {
    mod.lib.close();
  } catch {
    // as above
  }
}

function findSlot(mod: Module, at: Pkcs11Token): Buffer {
  const labels: string[] = [];
  for (const slot of mod.lib.C_GetSlotList(true)) {
    const info = mod.lib.C_GetTokenInfo(slot);
    const label = info.label.trim();
    if (label === at.token) {
      if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) throw new HotlineError('unavailable', `the PKCS#11 token '${at.token}' is not initialised`);
      return slot;
    }
    labels.push(label);
  }
  const present = labels.length ? `tokens present: ${labels.map((l) => `'${l}'`).join(', ')}` : 'no token is present';
  throw new HotlineError('not_found', `no PKCS#11 token labelled '${at.token}' in ${at.module} (${present})`);
}

function logIn(s: Session): Buffer {
  const slot = findSlot(s.mod, s.at);
  const handle = s.mod.lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  try {
    s.mod.lib.C_Login(handle, pkcs11js.CKU_USER, s.at.pin);
  } catch (e) {
    const code = codeOf(e);
    if (code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
      try {
        s.mod.lib.C_CloseSession(handle);
      } catch {
        // the login error is what matters
      }
      if (code === pkcs11js.CKR_PIN_INCORRECT) throw new HotlineError('unauthenticated', `wrong PIN for the PKCS#11 token '${s.at.token}' (a token locks itself after a few wrong PINs: check it before trying again)`);
      if (code === pkcs11js.CKR_PIN_LOCKED) throw new HotlineError('locked', `the user PIN of the PKCS#11 token '${s.at.token}' is locked after too many wrong PINs; its security officer must reset it`);
      if (code === pkcs11js.CKR_PIN_EXPIRED) throw new HotlineError('unauthenticated', `the user PIN of the PKCS#11 token '${s.at.token}' has expired; set a new one with the token's tools`);
      if (code === pkcs11js.CKR_USER_PIN_NOT_INITIALIZED) throw new HotlineError('unavailable', `the PKCS#11 token '${s.at.token}' has no user PIN yet; its security officer must set one`);
      throw new HotlineError('unauthenticated', `cannot log in to the PKCS#11 token '${s.at.token}': ${codeName(e)}`);
    }
  }
  return handle;
}

function openSession(at: Pkcs11Token): Session {
  const key = `${at.module}\0${at.token}`;
  const open = sessions.get(key);
  if (open) {
    if (open.at.pin !== at.pin) throw new HotlineError('conflict', `the PKCS#11 token '${at.token}' is already open in this process with another PIN`);
    open.users++;
    return open;
  }
  const mod = loadModule(at.module);
  mod.users++;
  const s: Session = { key, at, mod, handle: undefined, users: 1 };
  try {
    s.handle = logIn(s);
  } catch (e) {
    releaseModule(at.module, mod);
    throw e;
  }
  sessions.set(key, s);
  return s;
}

function releaseSession(s: Session): void {
  if (--s.users > 0) return;
  sessions.delete(s.key);
  if (s.handle) {
    try {
      s.mod.lib.C_Logout(s.handle);
    } catch {
      // already logged out or the token is gone: nothing to undo
    }
    try {
      s.mod.lib.C_CloseSession(s.handle);
    } catch {
      // as above
    }
  }
  releaseModule(s.at.module, s.mod);
}

// A network HSM restarting, a token pulled and put back: the session is gone
// but the key is not. These codes get one new session (and login) and one retry.
const LOST = new Set([
  pkcs11js.CKR_SESSION_HANDLE_INVALID, pkcs11js.CKR_SESSION_CLOSED, pkcs11js.CKR_USER_NOT_LOGGED_IN, pkcs11js.CKR_DEVICE_REMOVED,
  pkcs11js.CKR_DEVICE_ERROR, pkcs11js.CKR_TOKEN_NOT_PRESENT, pkcs11js.CKR_OBJECT_HANDLE_INVALID, pkcs11js.CKR_KEY_HANDLE_INVALID,
]);

/** Runs `f` on the session; after a lost session, logs in again once and retries. */
function withSession<T>(s: Session, what: string, f: (lib: pkcs11js.PKCS11, handle: Buffer) => T): T {
  const attempt = () => {
    s.handle ??= logIn(s);
    return f(s.mod.lib, s.handle);
  };
  try {
    return attempt();
  } catch (e) {
    if (e instanceof HotlineError) throw e;
    if (!LOST.has(codeOf(e) ?? -1)) throw new HotlineError('unavailable', `the PKCS#11 token '${s.at.token}' refused to ${what}: ${codeName(e)}`);
    s.handle = undefined;
    try {
      return attempt();
    } catch (again) {
      if (again instanceof HotlineError) throw again;
      s.handle = undefined;
      throw new HotlineError('unavailable', `the PKCS#11 token '${s.at.token}' did not ${what}, even after a new session: ${codeName(again)}`);
    }
  }
}

function find(lib: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
  lib.C_FindObjectsInit(session, template);
  try {
    return lib.C_FindObjects(session, 16);
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

const isEd25519Params = (p: Buffer) => p.equals(ED25519_OID) || p.equals(ED25519_NAME);

function publicKeyOf(point: Buffer): Bytes {
  // CKA_EC_POINT is a DER OCTET STRING around the 32 bytes (PKCS#11 3.0); some tokens give the bare 32.
  if (point.length === 34 && point[0] === 0x04 && point[1] === 32) return new Uint8Array(point.subarray(2));
  if (point.length === 32) return new Uint8Array(point);
  throw new HotlineError('integrity', `the token's Ed25519 public key has an unexpected form (${point.length} bytes)`);
}

interface KeyObjects {
  privateKey: Buffer;
  publicKey: Bytes;
  id: Buffer;
}

const privateTemplate = (label: string): pkcs11js.Template => [
  { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
  { type: pkcs11js.CKA_LABEL, value: label },
];

/** The private key labelled `label` and its public key (same CKA_ID, or else same label), checked to be a usable Ed25519 pair. */
function findKey(lib: pkcs11js.PKCS11, session: Buffer, at: Pkcs11Token, label: string): KeyObjects {
  const keys = find(lib, session, privateTemplate(label));
  const where = `the PKCS#11 token '${at.token}'`;
  if (keys.length === 0) throw new HotlineError('not_found', `${where} holds no private key labelled '${label}'`);
  if (keys.length > 1) throw new HotlineError('conflict', `${where} holds ${keys.length} private keys labelled '${label}'; give each its own label`);
  const [type, sign, extractable, sensitive, id] = lib.C_GetAttributeValue(session, keys[0], [
    { type: pkcs11js.CKA_KEY_TYPE }, { type: pkcs11js.CKA_SIGN }, { type: pkcs11js.CKA_EXTRACTABLE }, { type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_ID },
  ]).map((a) => a.value as Buffer);
  if (type.readUInt32LE(0) !== CKK_EC_EDWARDS) throw new HotlineError('bad_request', `the key '${label}' in ${where} is not an Ed25519 key (CKK_EC_EDWARDS)`);
  if (sign[0] !== 1) throw new HotlineError('forbidden', `the key '${label}' in ${where} may not sign (CKA_SIGN false: a retired key?)`);
  // The point of a token key is that it cannot leave: refuse one that can.
  if (extractable[0] !== 0 || sensitive[0] !== 1) throw new HotlineError('forbidden', `the key '${label}' in ${where} can leave the token (CKA_EXTRACTABLE true or CKA_SENSITIVE false); make one that cannot`);
  const publics = find(lib, session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    id.length > 0 ? { type: pkcs11js.CKA_ID, value: id } : { type: pkcs11js.CKA_LABEL, value: label },
  ]);
  if (publics.length !== 1) throw new HotlineError('not_found', `${where} holds ${publics.length === 0 ? 'no' : 'more than one'} public key for '${label}' (matched by ${id.length > 0 ? 'CKA_ID' : 'label'})`);
  const [params, point] = lib.C_GetAttributeValue(session, publics[0], [{ type: pkcs11js.CKA_EC_PARAMS }, { type: pkcs11js.CKA_EC_POINT }]).map((a) => a.value as Buffer);
  if (!isEd25519Params(params)) throw new HotlineError('bad_request', `the key '${label}' in ${where} is not on edwards25519 (Ed448?)`);
  return { privateKey: keys[0], publicKey: publicKeyOf(point), id };
}

function signWith(lib: pkcs11js.PKCS11, session: Buffer, key: Buffer, message: Bytes): Bytes {
  lib.C_SignInit(session, { mechanism: CKM_EDDSA }, key);
  const signature = lib.C_Sign(session, Buffer.from(message.buffer, message.byteOffset, message.length), Buffer.alloc(64));
  return new Uint8Array(signature.buffer, signature.byteOffset, signature.length);
}

function signerFor(s: Session, label: string, found: KeyObjects): Pkcs11Signer {
  let key = found.privateKey;
  let closed = false;
  const where = `PKCS#11 token ${s.at.token}, key ${label}`;
  const relocate = (lib: pkcs11js.PKCS11, session: Buffer) => {
    // Handles may not outlive a session: find the key again by CKA_ID (it survives relabelling).
    const again = found.id.length > 0 ? find(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: found.id }]) : find(lib, session, privateTemplate(label));
    if (again.length !== 1) throw new HotlineError('not_found', `the key '${label}' is no longer in the PKCS#11 token '${s.at.token}'`);
    key = again[0];
  };
  let handle = s.handle;
  const signer: Pkcs11Signer = {
    publicKey: found.publicKey,
    label,
    where,
    sign(message) {
      if (closed) throw new HotlineError('internal', `${where}: signer used after close`);
      return withSession(s, 'sign', (lib, session) => {
        if (session !== handle) {
          relocate(lib, session);
          handle = session;
        }
        return signWith(lib, session, key, message);
      });
    },
    close() {
      if (closed) return;
      closed = true;
      releaseSession(s);
    },
  };
  // A label pair made by hand may join a private key to another key's public
  // half: one signature, checked here, is cheaper than a station that signs
  // what no one can verify.
  const probe = Buffer.from('hotline: does this key match its public key?');
  const spki = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, found.publicKey]), format: 'der', type: 'spki' });
  if (!verify(null, probe, spki, signer.sign(probe))) {
    signer.close();
    throw new HotlineError('integrity', `the private key '${label}' in the PKCS#11 token '${s.at.token}' does not match its public key object`);
  }
  return signer;
}

/** Opens the Ed25519 private key labelled `label` in the token and returns a Signer that signs inside it. */
export function openPkcs11Signer(at: Pkcs11Token, label: string): Pkcs11Signer {
  const s = openSession(at);
  try {
    const found = withSession(s, 'find the key', (lib, session) => findKey(lib, session, at, label));
    return signerFor(s, label, found);
  } catch (e) {
    releaseSession(s);
    throw e;
  }
}

/** Whether the token holds a private key labelled `label`. */
export function hasPkcs11Key(at: Pkcs11Token, label: string): boolean {
  const s = openSession(at);
  try {
    return withSession(s, 'look for the key', (lib, session) => find(lib, session, privateTemplate(label)).length > 0);
  } finally {
    releaseSession(s);
  }
}

/**
 * Generates an Ed25519 key pair inside the token, labelled `label`: the
 * private half token-resident, sensitive and never extractable. Refuses a
 * label already in use.
 */
export function generatePkcs11Key(at: Pkcs11Token, label: string): Pkcs11Signer {
  const s = openSession(at);
  try {
    const found = withSession(s, 'generate a key', (lib, session) => {
      if (find(lib, session, privateTemplate(label)).length > 0) throw new HotlineError('conflict', `the PKCS#11 token '${at.token}' already holds a key labelled '${label}'`);
      // The CKA_ID joins the two halves and finds the key again after its label changes (rotation).
      const id = randomBytes(16);
      const common = [{ type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_LABEL, value: label }, { type: pkcs11js.CKA_ID, value: id }];
      const privateHalf = [
        ...common, { type: pkcs11js.CKA_PRIVATE, value: true }, { type: pkcs11js.CKA_SENSITIVE, value: true }, { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        { type: pkcs11js.CKA_SIGN, value: true }, { type: pkcs11js.CKA_DERIVE, value: false },
      ];
      let lastError: unknown;
      for (const params of [ED25519_OID, ED25519_NAME]) {
        try {
          lib.C_GenerateKeyPair(session, { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN }, [...common, { type: pkcs11js.CKA_VERIFY, value: true }, { type: pkcs11js.CKA_EC_PARAMS, value: params }], privateHalf);
          return findKey(lib, session, at, label);
        } catch (e) {
          // A 3.0 token may know only the curve's name, a 3.1 one only the OID: try the other form.
          if (e instanceof HotlineError || LOST.has(codeOf(e) ?? -1)) throw e;
          if (codeOf(e) === pkcs11js.CKR_MECHANISM_INVALID) throw new HotlineError('bad_request', `the PKCS#11 token '${at.token}' cannot make Ed25519 keys (no CKM_EC_EDWARDS_KEY_PAIR_GEN): it needs PKCS#11 3.0 EdDSA support`);
          lastError = e;
        }
      }
      throw lastError;
    });
    return signerFor(s, label, found);
  } catch (e) {
    releaseSession(s);
    throw e;
  }
}

/**
 * Gives the key pair labelled `label` the label `to`. With `retire`, its
 * private half also loses CKA_SIGN, so the token itself refuses to sign
 * with it again (where the token lets that attribute change).
 * Returns whether the token took CKA_SIGN false.
 */
export function relabelPkcs11Key(at: Pkcs11Token, label: string, to: string, options: { retire?: boolean } = {}): { signOff: boolean } {
  const s = openSession(at);
  try {
    return withSession(s, 'relabel the key', (lib, session) => {
      const [privateKey] = find(lib, session, privateTemplate(label));
      if (!privateKey) throw new HotlineError('not_found', `the PKCS#11 token '${at.token}' holds no private key labelled '${label}'`);
      if (find(lib, session, privateTemplate(to)).length > 0) throw new HotlineError('conflict', `the PKCS#11 token '${at.token}' already holds a key labelled '${to}'`);
      const [id] = lib.C_GetAttributeValue(session, privateKey, [{ type: pkcs11js.CKA_ID }]).map((a) => a.value as Buffer);
      const publics = find(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }, id.length > 0 ? { type: pkcs11js.CKA_ID, value: id } : { type: pkcs11js.CKA_LABEL, value: label }]);
      let signOff = false;
      if (options.retire) {
        try {
          lib.C_SetAttributeValue(session, privateKey, [{ type: pkcs11js.CKA_SIGN, value: false }]);
          signOff = true;
        } catch {
          // Some HSMs fix CKA_SIGN at creation; the label and the process's own refusal still retire it.
        }
      }
      lib.C_SetAttributeValue(session, privateKey, [{ type: pkcs11js.CKA_LABEL, value: to }]);
      for (const p of publics) lib.C_SetAttributeValue(session, p, [{ type: pkcs11js.CKA_LABEL, value: to }]);
      return { signOff };
    });
  } finally {
    releaseSession(s);
  }
}

/** Labels of the token's private keys whose label starts with `prefix` (to number retired keys). */
export function pkcs11KeyLabels(at: Pkcs11Token, prefix: string): string[] {
  const s = openSession(at);
  try {
    return withSession(s, 'list its keys', (lib, session) => {
      lib.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
      const handles: Buffer[] = [];
      try {
        for (let batch = lib.C_FindObjects(session, 64); batch.length > 0; batch = lib.C_FindObjects(session, 64)) handles.push(...batch);
      } finally {
        lib.C_FindObjectsFinal(session);
      }
      return handles
        .map((h) => String(lib.C_GetAttributeValue(session, h, [{ type: pkcs11js.CKA_LABEL }])[0].value ?? ''))
        .filter((l) => l.startsWith(prefix));
    });
  } finally {
    releaseSession(s);
  }
}
