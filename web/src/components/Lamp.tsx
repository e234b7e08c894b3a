import type { LinkStatus } from '../../../src/wire/link-status.ts';
import { t } from '../app/t.ts';

/** A line's status lamp: shape and word as well as colour. */
export function Lamp({ status }: { status: LinkStatus }) {
  const symbol = status === 'up' ? '●' : status === 'degraded' ? '◐' : '○';
  return (
    <span class={`lamp lamp-${status}`} data-status={status}>
      <span aria-hidden="true">{symbol}</span> {t(`lines.lamp.${status}`)}
    </span>
  );
}
