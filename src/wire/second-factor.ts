import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Time } from './words.ts';

export const PasskeyView = Type.Object({ id: Type.String(), label: Type.String(), createdAt: Time(), lastUsedAt: Nullable(Time()) });
export type PasskeyView = Static<typeof PasskeyView>;

/** A newly registered passkey (not used yet). */
export const NewPasskeyView = Type.Object({ id: Type.String(), label: Type.String(), createdAt: Time() });
export type NewPasskeyView = Static<typeof NewPasskeyView>;

/** A member's second factors, and whether their role requires one. */
export const SecondFactors = Type.Object({
  totp: Type.Boolean({ description: 'a confirmed TOTP secret' }),
  passkeys: Type.Array(PasskeyView),
  recoveryCodesLeft: Type.Integer(),
  required: Type.Boolean({ description: 'the sign-in policy requires a second factor of this member\'s role' }),
});
export type SecondFactors = Static<typeof SecondFactors>;

/** A TOTP secret being enrolled (active once confirmed with a code). */
export const TotpEnrolment = Type.Object({ secret: Type.String({ description: 'base32' }), uri: Type.String({ description: 'otpauth:// URI, for a QR code' }) });
export type TotpEnrolment = Static<typeof TotpEnrolment>;

export const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String(), { description: 'shown once: keep them somewhere safe, away from the authenticator' }) });
export type RecoveryCodes = Static<typeof RecoveryCodes>;

/**
 * WebAuthn options for the browser (PublicKeyCredentialRequestOptionsJSON or
 * PublicKeyCredentialCreationOptionsJSON), passed to it as they are: the
 * WebAuthn specification defines the rest of their members.
 */
export const WebAuthnOptions = Type.Object(
  { challenge: Type.String({ description: 'base64url' }), rpId: Type.Optional(Type.String()) },
  { additionalProperties: true, description: 'WebAuthn options JSON, for navigator.credentials' },
);
export type WebAuthnOptions = Static<typeof WebAuthnOptions>;
