import type { LineInfo } from '../Line.tsx';

export function Audit({ line }: { line: LineInfo }) {
  return <div data-view="Audit">{line.id}</div>;
}
