import type { LineInfo } from '../Line.tsx';

export function Readouts({ line }: { line: LineInfo }) {
  return <div data-view="Readouts">{line.id}</div>;
}
