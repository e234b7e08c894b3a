// The ringing sound, made with WebAudio (no audio files): two 0.4 s bursts of
// a 440 + 480 Hz tone, then a pause, every 3 s. Browsers only let a page make
// sound after a user gesture, so the audio context is unlocked on the first
// click or key press anywhere in the console.

let ctx: AudioContext | null = null;
let timer: number | undefined;

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    ctx = new Ctor();
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

function burst(c: AudioContext, at: number, length: number) {
  const gain = c.createGain();
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(0.12, at + 0.02);
  gain.gain.setValueAtTime(0.12, at + length - 0.02);
  gain.gain.linearRampToValueAtTime(0, at + length);
  gain.connect(c.destination);
  for (const f of [440, 480]) {
    const o = c.createOscillator();
    o.type = 'sine';
    o.frequency.value = f;
    o.connect(gain);
    o.start(at);
    o.stop(at + length + 0.01);
  }
  window.setTimeout(() => gain.disconnect(), (at - c.currentTime + length + 0.1) * 1000);
}

function ring() {
  const c = context();
  if (!c) return;
  if (c.state === 'suspended') void c.resume().catch(() => undefined);
  const now = c.currentTime + 0.05;
  burst(c, now, 0.4);
  burst(c, now + 0.6, 0.4);
}

export function startRinging(): void {
  if (timer !== undefined) return;
  ring();
  timer = window.setInterval(ring, 3000);
  (window as unknown as { __hotlineRinging?: boolean }).__hotlineRinging = true;
}

export function stopRinging(): void {
  if (timer !== undefined) window.clearInterval(timer);
  timer = undefined;
  (window as unknown as { __hotlineRinging?: boolean }).__hotlineRinging = false;
}

export const ringing = () => timer !== undefined;
