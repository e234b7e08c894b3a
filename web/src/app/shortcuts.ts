// The transcript's keyboard shortcuts, one key each, taken only when the
// cursor is not in a field (so typing a message never triggers one). The
// console lists them under "Keyboard shortcuts" (?), and docs/console.md.

export const shortcuts = [
  { key: 'a', action: 'ack' },
  { key: 'n', action: 'next' },
  { key: '/', action: 'search' },
  { key: '?', action: 'help' },
  { key: 'c', action: 'accept' },
  { key: 'x', action: 'decline' },
] as const;
export type ShortcutAction = (typeof shortcuts)[number]['action'];

/** Whether a key press is the member's typing rather than a command. */
export function typing(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

/** The shortcut a key press asks for, if any. */
export function shortcutOf(e: KeyboardEvent): ShortcutAction | null {
  if (typing(e)) return null;
  return shortcuts.find((s) => s.key === e.key)?.action ?? null;
}

/** The Acknowledge button of what waits longest for us, FLASH first. */
export function firstToAcknowledge(root: ParentNode): HTMLButtonElement | null {
  for (const p of ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE']) {
    const b = root.querySelector<HTMLButtonElement>(`[data-precedence="${p}"] [data-action="ack"]`);
    if (b) return b;
  }
  return root.querySelector<HTMLButtonElement>('[data-action="ack"]');
}
