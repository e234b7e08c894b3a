/**
 * Browser requests carry an Origin header; a console served by this station
 * sends its own. Anything else is a page on another site trying to use a
 * signed-in member's browser against the station (CSRF, cross-site WebSocket
 * hijacking), so it is refused. Requests without an Origin (the CLI, curl,
 * other stations' tools) are not browser requests and are judged by their
 * bearer token alone.
 */
export function foreignOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return false;
  if (!host) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return true;
  }
  return parsed.host.toLowerCase() !== host.toLowerCase();
}
