/**
 * The SHA-256 DTLS fingerprint an SDP announces, in the form call entries
 * record it (`sha-256 AB:CD:…`, upper case; see the core's DtlsFingerprint),
 * or null when it announces none. Both sides compare an SDP with the
 * fingerprint the other station signed, so both must read it alike.
 */
export function sdpFingerprint(sdp: string | undefined | null): string | null {
  if (!sdp) return null;
  const m = /^a=fingerprint:sha-256 ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){31})\s*$/m.exec(sdp);
  return m ? `sha-256 ${m[1].toUpperCase()}` : null;
}
