import type { LineInfo } from '../Line.tsx';

export function Notices({ line }: { line: LineInfo }) {
  return <div data-view="Notices">{line.id}</div>;
}
