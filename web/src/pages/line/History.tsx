import type { LineInfo } from '../Line.tsx';

export function History({ line }: { line: LineInfo }) {
  return <div data-view="History">{line.id}</div>;
}
