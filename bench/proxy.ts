import { createServer, connect, type Socket } from 'node:net';

/**
 * A loopback TCP relay that can go silent: `silence()` keeps connections open
 * but drops every byte, as a cut cable or a dead router does, so the link
 * must notice through its heartbeats rather than a closed socket.
 */
export async function silentProxy(targetPort: number) {
  let silent = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('data', (d) => {
        if (!silent) to.write(d);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    silence() {
      silent = true;
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
