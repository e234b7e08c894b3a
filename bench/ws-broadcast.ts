import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';

// The fan-out floor: a bare `ws` server that sends the same JSON text frames
// to every connected client as fast as its sockets drain, with no station
// behind it. Run as its own process (as a station is) when this file is the
// entry point; `broadcast` can also run in-process.

/** Stop sending a round while some client has this much queued (the station drops a console at 8 MiB). */
const HIGH_WATER = 1024 * 1024;

export interface BroadcastServer {
  port: number;
  /** Sends rounds (each text to every client) for `ms`; resolves with the frames sent. */
  run(ms: number): Promise<number>;
  close(): void;
}

export async function broadcastServer(texts: string[]): Promise<BroadcastServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const clients: WebSocket[] = [];
  wss.on('connection', (ws) => {
    clients.push(ws);
    ws.on('error', () => undefined);
  });
  return {
    port: (wss.address() as { port: number }).port,
    async run(ms: number) {
      let sent = 0;
      let i = 0;
      const until = performance.now() + ms;
      while (performance.now() < until) {
        const text = texts[i++ % texts.length];
        for (const c of clients) c.send(text);
        sent += clients.length;
        // Let the sockets drain, as the event loop of a station must between events.
        await new Promise((r) => setImmediate(r));
        while (clients.some((c) => c.bufferedAmount > HIGH_WATER) && performance.now() < until) await new Promise((r) => setTimeout(r, 1));
      }
      return sent;
    },
    close() {
      for (const c of clients) c.terminate();
      wss.close();
    },
  };
}

/**
 * The same server in a child process: prints its port, then on "run <ms>" on
 * stdin broadcasts and prints "sent <n> <cpu ms>".
 */
export function broadcastServerProcess(texts: string[]): Promise<{ port: number; run(ms: number): Promise<{ sent: number; cpuMs: number }>; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.write(JSON.stringify(texts) + '\n');
  let out = '';
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of [...waiters]) {
      const m = w.re.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        out = out.slice(m.index + m[0].length);
        w.resolve(m);
      }
    }
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`broadcast server exited (${code})`))));
  exited.catch(() => undefined);
  const expect = (re: RegExp) => Promise.race([new Promise<RegExpExecArray>((resolve) => waiters.push({ re, resolve })), exited]);
  return expect(/port (\d+)\n/).then((m) => ({
    port: Number(m[1]),
    async run(ms: number) {
      child.stdin.write(`run ${ms}\n`);
      const r = await expect(/sent (\d+) (\d+)\n/);
      return { sent: Number(r[1]), cpuMs: Number(r[2]) };
    },
    close() {
      child.stdin.end();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    },
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let input = '';
  let server: BroadcastServer | undefined;
  process.stdin.on('data', async (d) => {
    input += d;
    let nl: number;
    while ((nl = input.indexOf('\n')) >= 0) {
      const line = input.slice(0, nl);
      input = input.slice(nl + 1);
      if (!server) {
        server = await broadcastServer(JSON.parse(line) as string[]);
        process.stdout.write(`port ${server.port}\n`);
      } else if (line.startsWith('run ')) {
        const cpu = process.cpuUsage();
        const sent = await server.run(Number(line.slice(4)));
        const used = process.cpuUsage(cpu);
        process.stdout.write(`sent ${sent} ${Math.round((used.user + used.system) / 1000)}\n`);
      }
    }
  });
  process.stdin.on('end', () => {
    server?.close();
    process.exit(0);
  });
}
