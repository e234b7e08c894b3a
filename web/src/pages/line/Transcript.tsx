import type { LineInfo } from '../Line.tsx';

export function Transcript({ line }: { line: LineInfo }) {
  return <div data-view="Transcript">{line.id}</div>;
}
