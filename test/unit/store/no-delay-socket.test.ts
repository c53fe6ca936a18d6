import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { noDelaySocketFor } from '../../../src/store/no-delay-socket.js';

describe('noDelaySocketFor (postgres.js socket option)', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  it('keeps postgres.js’ own socket for a unix socket path and for a host list', () => {
    expect(noDelaySocketFor({ host: ['localhost'], port: [5432], path: '/tmp/.s.PGSQL.5432' })).toBeUndefined();
    expect(noDelaySocketFor({ host: ['a', 'b'], port: [5432, 5432] })).toBeUndefined();
    expect(noDelaySocketFor({ host: ['127.0.0.1'], port: [5432], path: false })).toBeTypeOf('function');
  });

  it('hands back a connected socket carrying its host (for TLS), and rejects a refused connect', async () => {
    server = createServer((s) => s.end());
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const target = { host: ['127.0.0.1'], port: [port], connect_timeout: 5 };
    const socket = await noDelaySocketFor(target)?.(target);
    expect(socket?.remotePort).toBe(port);
    expect((socket as unknown as { host: string }).host).toBe('127.0.0.1');
    socket?.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = null;
    await expect(noDelaySocketFor(target)?.(target)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
