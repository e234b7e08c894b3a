import { useEffect, useState } from 'preact/hooks';
import { t } from '../app/t.ts';

/**
 * How loud the microphone is, as a <meter> (a screen reader reads its value):
 * the RMS of the signal, 0 to 1, through a WebAudio analyser, ten times a second.
 */
export function LevelMeter({ stream, label }: { stream: MediaStream | null; label?: string }) {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return;
    const ctx = new Ctor();
    const source = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // Speech sits around 0.05–0.3 RMS; scaled so that it fills most of the bar.
      setLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
    }, 100);
    return () => {
      window.clearInterval(timer);
      source.disconnect();
      void ctx.close();
    };
  }, [stream]);
  return (
    <label class="level-meter">
      {label ?? t('calls:mic.level')}{' '}
      <meter min={0} max={1} low={0.05} high={0.9} optimum={0.4} value={level} data-testid="mic-level" data-level={level.toFixed(3)} />
    </label>
  );
}
