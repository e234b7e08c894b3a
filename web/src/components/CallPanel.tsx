/** The ringing and in-call panel, over every page. */
export function CallPanel() {
  return null;
}
