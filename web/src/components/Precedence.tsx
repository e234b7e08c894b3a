import { t } from '../app/t.ts';

/** Precedence in colour and in words: never colour alone. */
export function Precedence({ value }: { value: string }) {
  return <span class={`precedence precedence-${value}`}>{t(`precedence.${value}`)}</span>;
}
