import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of the shared PostgreSQL, so a scenario can give its own clients a
 * Postgres restart — every connection reset, new ones refused for a while, then accepted again —
 * without restarting the server every other test uses.
 */
export interface PgProxy {
  port: number;
  /** A postgres:// URL like `url` but through the proxy. */
  through(url: string): string;
  /** Reset every open connection and refuse new ones until `up()`. */
  down(): void;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startPgProxy(target = { host: '127.0.0.1', port: 5432 }): Promise<PgProxy> {
  const pairs = new Set<Socket>();
  const handle = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    pairs.add(client);
    pairs.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(client);
      pairs.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  };
  let server: Server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  const port = address.port;
  const listen = async () => {
    server = createServer(handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
  };
  const closeServer = () => new Promise<void>((r) => server.close(() => r()));
  return {
    port,
    through: (url) => {
      const u = new URL(url);
      u.host = `127.0.0.1:${port}`;
      return u.toString();
    },
    down: () => {
      void closeServer();
      for (const s of pairs) s.resetAndDestroy();
      pairs.clear();
    },
    up: listen,
    close: async () => {
      for (const s of pairs) s.destroy();
      if (server.listening) await closeServer();
    },
  };
}
