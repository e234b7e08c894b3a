import './security/security.css';
import { mustEnrol } from '../app/session.ts';
import { t } from '../app/t.ts';
import { Credentials } from './security/Credentials.tsx';
import { SecondFactors } from './security/SecondFactors.tsx';

/** The signed-in member's own security: second factors, sessions and API tokens. */
export function Security() {
  return (
    <section aria-labelledby="security-title" class="security">
      <h1 id="security-title">{t('security:title')}</h1>
      {mustEnrol.value && (
        <div class="banner" role="alert" data-testid="must-enrol">
          <strong>{t('security:mustEnrol.title')}</strong> {t('security:mustEnrol.explain')}
        </div>
      )}
      <SecondFactors />
      {!mustEnrol.value && <Credentials />}
    </section>
  );
}
