import { createConnection, type Socket } from 'node:net';

/** What postgres.js has parsed from a URL and its options (its `sql.options`), and passes a `socket` function. */
export interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
  /** Seconds. */
  connect_timeout?: number;
}

/**
 * A postgres.js `socket` option for `target`: TCP connections with Nagle's algorithm off, or
 * undefined where postgres.js' own socket should stay. postgres.js never calls setNoDelay, and a
 * binary COPY goes out as several writes (header, chunks, trailer, CopyDone): with Nagle on, each
 * small write after the first waits for the server's delayed ACK, so a COPY batch of 500 gateway
 * rows took ~72 ms for ~10 ms of work. TLS stays postgres.js' (it wraps this socket when ssl is set).
 *
 * Only for one TCP host: a unix socket has no Nagle to turn off, and with a host list postgres.js
 * moves to the next host when a connect fails only for its own sockets (a `socket` function that
 * fails leaves the connection waiting), so both keep the default.
 */
export function noDelaySocketFor(target: SocketTarget): ((target: SocketTarget) => Promise<Socket>) | undefined {
  if (target.path || target.host.length !== 1) return undefined;
  return connectNoDelay;
}

function connectNoDelay(target: SocketTarget): Promise<Socket> {
  const host = target.host[0] ?? 'localhost';
  const port = target.port[0] ?? 5432;
  const socket = createConnection({ host, port, noDelay: true });
  Object.assign(socket, { host, port }); // postgres.js reads socket.host for TLS' servername
  // postgres.js starts its connect timer once it has the socket: until then the timeout is ours.
  const timeoutMs = (target.connect_timeout ?? 30) * 1000;
  return new Promise<Socket>((resolve, reject) => {
    const fail = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    const timedOut = () => fail(Object.assign(new Error(`connect to ${host}:${port} timed out`), { code: 'CONNECT_TIMEOUT' }));
    socket.setTimeout(timeoutMs, timedOut);
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('timeout', timedOut);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}
