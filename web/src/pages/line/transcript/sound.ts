let audio: AudioContext | undefined;

/** Three short high tones: a FLASH message has arrived. Silent where the browser allows no sound. */
export function flashTone(): void {
  try {
    audio ??= new AudioContext();
    void audio.resume?.();
    const t0 = audio.currentTime + 0.02;
    for (let i = 0; i < 3; i++) {
      const at = t0 + i * 0.22;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'square';
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.18);
    }
  } catch {
    // No audio device or no permission: the banner and the announcement remain.
  }
}
