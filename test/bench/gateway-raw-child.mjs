/**
 * An experiment in the gateway's place (BENCH_GATEWAY_CHILD=test/bench/gateway-raw-child.mjs, or a
 * child of gateway-ab.ts): gateway-bare-child.mjs with node:http's client replaced by raw keep-alive
 * sockets that write the request line and headers by hand and read replies with a content-length
 * only. Not a usable client (no chunked bodies, TLS, errors, timeouts): it measures what
 * ClientRequest, the agent and the client-side IncomingMessage stream cost per request.
 */
import http from 'node:http';
import net from 'node:net';
const up = new URL(process.env.BENCH_UPSTREAM + '/chat/completions');
const free = [];
function send(out, cb) {
  let s = free.pop();
  if (!s) {
    s = net.connect({ host: up.hostname, port: Number(up.port) });
    s.setNoDelay(true);
    s.on('data', (d) => {
      s.buf = s.buf ? Buffer.concat([s.buf, d]) : d;
      const end = s.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = s.buf.toString('latin1', 0, end);
      const m = /content-length: *(\d+)/i.exec(head);
      const len = Number(m[1]);
      if (s.buf.length < end + 4 + len) return;
      const body = s.buf.toString('utf8', end + 4, end + 4 + len);
      s.buf = null;
      const k = s.cb;
      s.cb = null;
      free.push(s);
      k(body);
    });
  }
  s.cb = cb;
  s.write(
    `POST ${up.pathname} HTTP/1.1\r\nhost: ${up.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(out)}\r\nconnection: keep-alive\r\n\r\n${out}`,
  );
}
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    body.model = 'bench/echo';
    send(JSON.stringify(body), (text) => {
      const s = JSON.stringify(JSON.parse(text));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
      res.end(s);
    });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
