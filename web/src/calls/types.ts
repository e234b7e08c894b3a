// The station's call and readout views, as the console reads them (docs/hotline.md, "Calls", "Readouts").

export type CallStatus = 'ringing' | 'accepted' | 'declined' | 'unanswered' | 'cancelled' | 'ended';

export interface CallView {
  id: string;
  party: string;
  seq: number;
  time: number;
  from: string;
  toParty: string;
  to: string | null;
  ringUntil: number;
  status: CallStatus;
  answer: { kind: string; by: string | null; time: number; reason: string | null; id: string } | null;
  startedAt: number | null;
  endedAt: number | null;
  endedBy: string | null;
  durationMs: number | null;
  participants: Array<{ party: string; name: string }>;
  fingerprints: { caller: string | null; callee: string | null };
}

export interface SignalRecord { kind: 'offer' | 'answer' | 'ice' | 'bye'; data: string; from: string; time: number }

export interface ReadoutVersion { id: string; version: number; time: number; by: string; text: string; lang: string | null; public: boolean }
export interface ReadoutsView { call: CallView; readouts: Record<string, ReadoutVersion[]> }
export interface Draft { text: string; lang: string | null; updatedBy: string; updatedAt: number }

/** Members who may place, answer and write readouts of calls (docs/hotline.md, "Who may do what"). */
export const speaks = (role: string | undefined) => role === 'principal' || role === 'duty_officer';

/** The DTLS fingerprint an SDP announces, in the form the call entries record it (as the station's sdpFingerprint). */
export function sdpFingerprint(sdp: string | undefined | null): string | null {
  if (!sdp) return null;
  const m = /^a=fingerprint:sha-256 ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){31})\s*$/m.exec(sdp);
  return m ? `sha-256 ${m[1].toUpperCase()}` : null;
}

/** Elapsed time as mm:ss (h:mm:ss from an hour). */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}
