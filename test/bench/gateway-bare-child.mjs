/**
 * A bare node:http proxy in place of the gateway child (BENCH_GATEWAY_CHILD=test/bench/gateway-bare-child.mjs):
 * parses the body, sets the model, forwards it over a keep-alive agent, parses and re-serialises the
 * answer. No routing, logging or checks: what node:http itself costs on this path, for comparison.
 */
import http from 'node:http';
const up = new URL(process.env.BENCH_UPSTREAM + '/chat/completions');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256 });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    body.model = 'bench/echo';
    const out = JSON.stringify(body);
    const send = (again) => {
      const r = http.request(
        {
          hostname: up.hostname,
          port: up.port,
          path: up.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) },
        },
        (ur) => {
          const cs = [];
          ur.on('data', (c) => cs.push(c));
          ur.on('end', () => {
            const j = JSON.parse(Buffer.concat(cs).toString());
            const s = JSON.stringify(j);
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
            res.end(s);
          });
        },
      );
      // A kept-alive socket the upstream closed while idle: sent again once on a new one.
      r.on('error', () => (again && r.reusedSocket ? send(false) : res.writeHead(502).end()));
      r.end(out);
    };
    send(true);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
