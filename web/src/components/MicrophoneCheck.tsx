import { useEffect, useState } from 'preact/hooks';
import { t } from '../app/t.ts';
import { chooseMicrophone, microphoneId, microphones, openMicrophone } from '../calls/microphone.ts';
import { LevelMeter } from './LevelMeter.tsx';

/** Before a call: which microphone, and a test that shows its level, so nobody finds out on the call that it is muted. */
export function MicrophoneCheck() {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [testing, setTesting] = useState<MediaStream | null>(null);
  const [error, setError] = useState('');
  const refresh = () => void microphones().then(setDevices, () => setDevices([]));
  useEffect(() => {
    refresh();
    navigator.mediaDevices?.addEventListener?.('devicechange', refresh);
    return () => navigator.mediaDevices?.removeEventListener?.('devicechange', refresh);
  }, []);
  useEffect(() => () => testing?.getTracks().forEach((tr) => tr.stop()), [testing]);
  const test = async () => {
    setError('');
    if (testing) {
      setTesting(null);
      return;
    }
    try {
      setTesting(await openMicrophone());
      refresh(); // names appear once the page may use a microphone
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section class="mic-check" aria-labelledby="mic-check-h" data-testid="mic-check">
      <h3 id="mic-check-h">{t('calls:mic.title')}</h3>
      <div class="row">
        <label>
          {t('calls:mic.choose')}
          <select value={microphoneId.value} onChange={(e) => {
            chooseMicrophone(e.currentTarget.value);
            if (testing) setTesting(null);
          }} data-testid="mic-choose">
            <option value="">{t('calls:mic.default')}</option>
            {devices.filter((d) => d.deviceId && d.deviceId !== 'default').map((d, i) => <option key={d.deviceId} value={d.deviceId}>{d.label || t('calls:mic.unnamed', { n: i + 1 })}</option>)}
          </select>
        </label>
        <button type="button" class="secondary" onClick={() => void test()} aria-pressed={!!testing} data-testid="mic-test">{testing ? t('calls:mic.stop') : t('calls:mic.test')}</button>
        {testing && <LevelMeter stream={testing} />}
      </div>
      {error && <p role="alert" class="error">{t('calls:mic.failed', { message: error })}</p>}
    </section>
  );
}
