// The alarm's sound, made with WebAudio (no audio files), repeating until the
// alarm is acknowledged: for a FLASH three short high beeps every 2 s, for
// everything else two lower beeps every 4 s. Browsers let a page make sound
// only after a user gesture (or with the autoplay policy relaxed, as on a
// watch-floor kiosk), so the context is unlocked on the first click or key.

export type Tone = 'flash' | 'alarm';

let ctx: AudioContext | null = null;
let timer: number | undefined;
let playing: Tone | null = null;

/** What a test (or a supervisor's check of a kiosk) can read: whether the loop runs, and how many tones it started. */
const probe = { playing: false, tone: null as Tone | null, started: 0, context: 'none' as string };
(window as unknown as { __hotlineAlarmSound?: typeof probe }).__hotlineAlarmSound = probe;

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    ctx = new Ctor();
    probe.context = ctx.state;
    ctx.onstatechange = () => (probe.context = ctx?.state ?? 'none');
  } catch {
    ctx = null;
  }
  return ctx;
}

const unlock = () => {
  const c = context();
  if (c && c.state === 'suspended') void c.resume().catch(() => undefined);
};
document.addEventListener('pointerdown', unlock, { capture: true });
document.addEventListener('keydown', unlock, { capture: true });

function beep(c: AudioContext, at: number, length: number, frequency: number) {
  const gain = c.createGain();
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(0.15, at + 0.01);
  gain.gain.setValueAtTime(0.15, at + length - 0.01);
  gain.gain.linearRampToValueAtTime(0, at + length);
  gain.connect(c.destination);
  const o = c.createOscillator();
  o.type = 'square';
  o.frequency.value = frequency;
  o.connect(gain);
  o.onended = () => gain.disconnect();
  o.start(at);
  o.stop(at + length + 0.01);
  probe.started++;
}

function sound(tone: Tone) {
  const c = context();
  if (!c) return;
  if (c.state === 'suspended') void c.resume().catch(() => undefined);
  const now = c.currentTime + 0.05;
  if (tone === 'flash') for (let i = 0; i < 3; i++) beep(c, now + i * 0.25, 0.15, 1400);
  else for (let i = 0; i < 2; i++) beep(c, now + i * 0.4, 0.25, 880);
}

/** Plays `tone` on repeat (null: silence); switching tone restarts the loop at once. */
export function alarmSound(tone: Tone | null): void {
  if (tone === playing) return;
  if (timer !== undefined) window.clearInterval(timer);
  timer = undefined;
  playing = tone;
  probe.playing = tone !== null;
  probe.tone = tone;
  if (!tone) return;
  sound(tone);
  timer = window.setInterval(() => sound(tone), tone === 'flash' ? 2000 : 4000);
}

/** Once, for an alarm whose kind the member chose to hear only once. */
export function alarmChime(): void {
  sound('alarm');
}
