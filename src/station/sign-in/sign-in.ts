import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { HotlineError } from '../../core/errors.ts';
import type { Member } from '../../core/policy.ts';
import { Auth } from '../auth.ts';
import type { MemberRecord, Store } from '../storage/store.ts';
import { Pending } from './pending.ts';
import { authenticationOptions, registrationOptions, verifyAuthentication, verifyRegistration, type RelyingParty } from './passkeys.ts';
import { Policies, throttleRules } from './policy.ts';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.ts';
import { recordSecurityEvent, type SecurityEventInput } from './security-log.ts';
import { Throttle } from './throttle.ts';
import { newTotpSecret, totpStep, totpUri } from './totp.ts';

export type SecondFactorMethod = 'totp' | 'passkey' | 'recovery';

export interface SessionGranted {
  token: string;
  expiresAt: number;
  member: Member;
  idleMinutes: number;
  /** The role needs a second factor and the member has none yet: this session may only enrol one. */
  mustEnrol?: true;
}

export interface SecondStepNeeded {
  pending: string;
  methods: SecondFactorMethod[];
  expiresAt: number;
}

export type SignInResult = { status: 201; body: SessionGranted } | { status: 202; body: SecondStepNeeded };

/** Where a request came from, for the throttle and the log. */
export interface Origin {
  address: string;
}

const PENDING_MS = 5 * 60_000;
const ENROL_MS = 10 * 60_000;
/** Wrong second factors one password may be followed by before it must be given again. */
const SECOND_STEP_TRIES = 5;
const ENROLLED_CACHE_MS = 5_000;

interface Waiting {
  memberId: number;
  tries: number;
  /** The passkey challenge, once options were asked for. */
  challenge?: string;
}

/**
 * The whole sign-in: password, then (if the member has one) a second factor;
 * the throttle and lockout in front of both; enrolment of TOTP, passkeys and
 * recovery codes; the admin's unlock. Every outcome goes to the security log.
 */
export class SignIn {
  readonly policies: Policies;
  readonly throttle: Throttle;
  private readonly waiting: Pending<Waiting>;
  private readonly totpEnrolments: Pending<string>;
  private readonly passkeyEnrolments: Pending<string>;
  private readonly enrolled = new Map<number, { has: boolean; until: number }>();

  constructor(private readonly parts: { store: Store; auth: Auth; clock: () => number; station: string; sessionHours: () => number }) {
    this.policies = new Policies(parts.store);
    this.throttle = new Throttle(() => throttleRules(this.policies.now()), parts.clock);
    this.waiting = new Pending(PENDING_MS, parts.clock);
    this.totpEnrolments = new Pending(ENROL_MS, parts.clock);
    this.passkeyEnrolments = new Pending(ENROL_MS, parts.clock);
    parts.auth.idleMs = async () => (await this.policies.get()).idleMinutes * 60_000;
  }

  private get store() {
    return this.parts.store;
  }

  log(event: SecurityEventInput): Promise<unknown> {
    return recordSecurityEvent(this.store, this.parts.clock(), event);
  }

  /** Step one: name and password. */
  async password(name: string, password: string, from: Origin): Promise<SignInResult> {
    await this.policies.get();
    const record = await this.store.memberByName(name);
    this.refuseIfHeld(name, record, from);
    // From here the attempt counts as under way in the throttle until it is judged.
    let judged = false;
    try {
      const ok = await Auth.verifyPassword(record?.passwordHash, password);
      if (!ok || !record || record.disabled) {
        judged = true;
        await this.failed(name, record, from, 'login.failed', record ? (record.disabled ? 'a disabled member' : 'wrong password') : 'unknown name');
        throw new HotlineError('unauthenticated', 'wrong name or password');
      }
      const methods = await this.methods(record.id);
      if (methods.length === 0) {
        judged = true;
        return { status: 201, body: await this.grant(record, from, 'password') };
      }
      const { handle, expiresAt } = this.waiting.add({ memberId: record.id, tries: 0 });
      return { status: 202, body: { pending: handle, methods, expiresAt } };
    } finally {
      if (!judged) this.throttle.settled(name, from.address);
    }
  }

  /** Step two: a TOTP code, a recovery code or a passkey's signature, for the sign-in `pending` names. */
  async secondStep(method: SecondFactorMethod, pending: string, proof: { code?: string; response?: AuthenticationResponseJSON; rp?: RelyingParty }, from: Origin): Promise<SessionGranted> {
    const waiting = this.waiting.get(pending);
    if (!waiting) throw new HotlineError('unauthenticated', 'this sign-in has expired or is unknown; start again with your password');
    const record = await this.store.memberById(waiting.memberId);
    if (!record || record.disabled) {
      this.waiting.take(pending);
      throw new HotlineError('unauthenticated', 'wrong name or password');
    }
    this.refuseIfHeld(record.name, record, from);
    let judged = false;
    try {
      const now = this.parts.clock();
      let ok = false;
      if (method === 'totp') {
        const totp = await this.store.totp(record.id);
        const step = totp?.confirmedAt != null && proof.code ? await totpStep(totp.secret, proof.code.trim(), now, { afterStep: totp.lastStep }) : null;
        // The step moves forward in the store, atomically: two requests with one code cannot both pass.
        ok = step !== null && (await this.store.advanceTotpStep(record.id, step));
      } else if (method === 'recovery') {
        ok = !!proof.code && (await this.store.useRecoveryCode(record.id, hashRecoveryCode(proof.code)));
        if (ok) await this.log({ kind: 'recovery_code.used', member: record.name, address: from.address, detail: `${await this.store.recoveryCodesLeft(record.id)} left` });
      } else if (waiting.challenge && proof.response && proof.rp) {
        const keys = await this.store.passkeys(record.id);
        const used = await verifyAuthentication(proof.rp, waiting.challenge, proof.response, keys);
        if (used) await this.store.passkeyUsed(used.key.id, used.counter, now);
        ok = used !== null;
        waiting.challenge = undefined; // a challenge is answered once, right or wrong
      }
      judged = true;
      if (!ok) {
        if (++waiting.tries >= SECOND_STEP_TRIES) this.waiting.take(pending);
        await this.failed(record.name, record, from, 'second_factor.failed', `wrong ${method === 'totp' ? 'TOTP code' : method === 'recovery' ? 'recovery code' : 'passkey answer'}`);
        throw new HotlineError('unauthenticated', method === 'passkey' ? 'the passkey was not accepted' : 'wrong code');
      }
      this.waiting.take(pending);
      return await this.grant(record, from, method);
    } finally {
      if (!judged) this.throttle.settled(record.name, from.address);
    }
  }

  /** The challenge for a passkey sign-in; the browser signs it with one of the member's passkeys. */
  async passkeyOptions(pending: string, rp: RelyingParty) {
    const waiting = this.waiting.get(pending);
    if (!waiting) throw new HotlineError('unauthenticated', 'this sign-in has expired or is unknown; start again with your password');
    const keys = await this.store.passkeys(waiting.memberId);
    if (keys.length === 0) throw new HotlineError('bad_request', 'you have no passkey; use your TOTP code or a recovery code');
    const options = await authenticationOptions(rp, keys);
    waiting.challenge = options.challenge;
    return options;
  }

  /** A member is held back by a lock (stored or in the throttle) or a wait. */
  private refuseIfHeld(name: string, record: MemberRecord | null, from: Origin): void {
    const now = this.parts.clock();
    const stored = record?.lockedUntil ?? null;
    if (stored !== null && stored > now) throw locked(stored);
    const verdict = this.throttle.check(name, from.address);
    if (verdict.ok) return;
    if (verdict.reason === 'locked') throw locked(verdict.until);
    const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    throw new HotlineError('rate_limited', `too many attempts; try again in ${seconds} s`, { retryAfter: seconds });
  }

  private async failed(name: string, record: MemberRecord | null, from: Origin, kind: 'login.failed' | 'second_factor.failed', detail: string): Promise<void> {
    const { lockedUntil } = this.throttle.failed(name, from.address);
    await this.log({ kind, member: record?.name ?? null, address: from.address, detail: record ? detail : `${detail} "${name}"` });
    if (lockedUntil === null) return;
    if (record) {
      await this.store.updateMember(record.id, { lockedUntil });
      await this.log({ kind: 'login.locked', member: record.name, address: from.address, detail: `locked until ${new Date(lockedUntil).toISOString()} after ${this.policies.now().lockout.failures} failures` });
    }
    throw locked(lockedUntil);
  }

  private async grant(record: MemberRecord, from: Origin, via: SecondFactorMethod | 'password'): Promise<SessionGranted> {
    const now = this.parts.clock();
    this.throttle.succeeded(record.name, from.address);
    if (record.lockedUntil != null) await this.store.updateMember(record.id, { lockedUntil: null }); // a lock that ran out
    const policy = await this.policies.get();
    const expiresAt = now + Math.round(this.parts.sessionHours() * 3600_000);
    const token = await this.parts.auth.issue(record.id, 'session', via === 'password' ? 'sign-in' : `sign-in with ${via}`, expiresAt);
    const mustEnrol = await this.mustEnrol(record);
    await this.log({ kind: 'login.ok', member: record.name, address: from.address, detail: via === 'password' ? 'with a password' + (mustEnrol ? '; must enrol a second factor' : '') : `with a password and ${via}` });
    return { token, expiresAt, member: { id: record.id, name: record.name, role: record.role }, idleMinutes: policy.idleMinutes, ...(mustEnrol ? { mustEnrol: true as const } : {}) };
  }

  /** The second factors a member may finish a sign-in with. */
  async methods(memberId: number): Promise<SecondFactorMethod[]> {
    const out: SecondFactorMethod[] = [];
    if ((await this.store.totp(memberId))?.confirmedAt != null) out.push('totp');
    if ((await this.store.passkeys(memberId)).length > 0) out.push('passkey');
    if (out.length > 0 && (await this.store.recoveryCodesLeft(memberId)) > 0) out.push('recovery');
    return out;
  }

  async hasSecondFactor(memberId: number): Promise<boolean> {
    const now = this.parts.clock();
    const hit = this.enrolled.get(memberId);
    if (hit && hit.until > now) return hit.has;
    const has = (await this.methods(memberId)).length > 0;
    if (this.enrolled.size > 10_000) this.enrolled.clear();
    this.enrolled.set(memberId, { has, until: now + ENROLLED_CACHE_MS });
    return has;
  }

  /** The policy asks this member's role for a second factor and they have none: they may only enrol one. */
  async mustEnrol(member: Member): Promise<boolean> {
    const policy = await this.policies.get();
    return policy.secondFactor[member.role] && !(await this.hasSecondFactor(member.id));
  }

  async status(member: Member) {
    const totp = await this.store.totp(member.id);
    const keys = await this.store.passkeys(member.id);
    return {
      totp: totp?.confirmedAt != null,
      passkeys: keys.map((k) => ({ id: k.id, label: k.label, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt })),
      recoveryCodesLeft: await this.store.recoveryCodesLeft(member.id),
      required: (await this.policies.get()).secondFactor[member.role],
    };
  }

  /** Starts TOTP enrolment: a new secret, not active until confirmed with a code from it. */
  startTotp(member: Member): { secret: string; uri: string } {
    const secret = newTotpSecret();
    this.totpEnrolments.put(String(member.id), secret);
    return { secret, uri: totpUri(secret, this.parts.station, member.name) };
  }

  /** Activates the secret being enrolled and issues fresh recovery codes (shown once). */
  async confirmTotp(member: Member, code: string, from: Origin): Promise<{ recoveryCodes: string[] }> {
    const secret = this.totpEnrolments.get(String(member.id));
    if (!secret) throw new HotlineError('bad_request', 'no TOTP enrolment is under way (or it expired): start with POST /v1/me/totp');
    const step = await totpStep(secret, code.trim(), this.parts.clock());
    if (step === null) throw new HotlineError('bad_request', 'that code does not match the new secret; check the authenticator app\'s clock and try the next code');
    this.totpEnrolments.take(String(member.id));
    await this.store.setTotp(member.id, { secret, confirmedAt: this.parts.clock(), lastStep: step });
    await this.changed(member);
    await this.log({ kind: 'second_factor.enrolled', member: member.name, address: from.address, detail: 'TOTP' });
    return { recoveryCodes: await this.issueRecoveryCodes(member, from) };
  }

  async removeTotp(member: Member, from: Origin): Promise<void> {
    if ((await this.store.totp(member.id))?.confirmedAt == null) throw new HotlineError('not_found', 'you have no TOTP second factor');
    await this.store.setTotp(member.id, null);
    await this.changed(member);
    await this.log({ kind: 'second_factor.removed', member: member.name, address: from.address, detail: 'TOTP' });
  }

  async passkeyRegistration(member: Member, rp: RelyingParty) {
    const options = await registrationOptions(rp, member, await this.store.passkeys(member.id));
    this.passkeyEnrolments.put(String(member.id), options.challenge);
    return options;
  }

  async addPasskey(member: Member, rp: RelyingParty, label: string, response: RegistrationResponseJSON, from: Origin) {
    const challenge = this.passkeyEnrolments.take(String(member.id));
    if (!challenge) throw new HotlineError('bad_request', 'no passkey registration is under way (or it expired): start with POST /v1/me/passkeys/options');
    const key = await verifyRegistration(rp, challenge, response);
    const record = { ...key, memberId: member.id, label, createdAt: this.parts.clock(), lastUsedAt: null };
    if ((await this.store.passkeys(member.id)).some((k) => k.id === key.id)) throw new HotlineError('conflict', 'that passkey is registered already');
    await this.store.addPasskey(record);
    await this.changed(member);
    await this.log({ kind: 'second_factor.enrolled', member: member.name, address: from.address, detail: `passkey "${label}"` });
    return { id: record.id, label: record.label, createdAt: record.createdAt };
  }

  async removePasskey(member: Member, id: string, from: Origin): Promise<void> {
    const label = (await this.store.passkeys(member.id)).find((k) => k.id === id)?.label;
    if (!(await this.store.removePasskey(member.id, id))) throw new HotlineError('not_found', 'you have no passkey with that id');
    await this.changed(member);
    await this.log({ kind: 'second_factor.removed', member: member.name, address: from.address, detail: `passkey "${label}"` });
  }

  /** Ten new recovery codes, replacing the old; only for a member with a second factor to recover. */
  async issueRecoveryCodes(member: Member, from: Origin): Promise<string[]> {
    const factors = (await this.methods(member.id)).filter((m) => m !== 'recovery');
    if (factors.length === 0) throw new HotlineError('bad_request', 'recovery codes stand in for a second factor: enrol TOTP or a passkey first');
    const codes = newRecoveryCodes();
    await this.store.setRecoveryCodes(member.id, codes.map(hashRecoveryCode));
    await this.changed(member);
    await this.log({ kind: 'recovery_codes.issued', member: member.name, address: from.address, detail: `${codes.length} codes; any earlier ones no longer work` });
    return codes;
  }

  /** An admin lifts a lockout. */
  async unlock(record: MemberRecord, actor: Member, from: Origin): Promise<void> {
    this.throttle.unlock(record.name);
    await this.store.updateMember(record.id, { lockedUntil: null });
    await this.log({ kind: 'login.unlocked', member: record.name, actor: actor.name, address: from.address, detail: record.lockedUntil && record.lockedUntil > this.parts.clock() ? `was locked until ${new Date(record.lockedUntil).toISOString()}` : 'was not locked' });
  }

  /** A member was disabled or their role changed: half-finished sign-ins and enrolments are void. */
  memberChanged(memberId: number): void {
    this.waiting.dropWhere((w) => w.memberId === memberId);
    this.enrolled.delete(memberId);
  }

  private async changed(member: Member): Promise<void> {
    this.enrolled.delete(member.id);
  }
}

function locked(until: number): HotlineError {
  return new HotlineError('locked', `this account is locked until ${new Date(until).toISOString()} after repeated failures; an admin can unlock it`, { lockedUntil: until });
}
