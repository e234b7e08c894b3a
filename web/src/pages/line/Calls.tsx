import type { LineInfo } from '../Line.tsx';

export function Calls({ line }: { line: LineInfo }) {
  return <div data-view="Calls">{line.id}</div>;
}
