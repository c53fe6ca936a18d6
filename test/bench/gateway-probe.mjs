/**
 * `--import` probe for a gateway child (or the bare proxy) in gateway-ab.ts's latency mode: where a
 * request's time goes inside the child at low load, one request in flight at a time (others are
 * not counted). Phases, from node:http's 'request' event: pre (to the first write to the upstream),
 * up (to the first bytes of its reply), post (to res.end, i.e. the JS between reply and answer).
 * Writes p50/p90 of each to PROBE_OUT when the child exits, e.g.
 *   AB_MODE=latency npx tsx test/bench/gateway-ab.ts \
 *     "test/bench/gateway-child.mjs::--import=./test/bench/gateway-probe.mjs::PROBE_OUT=/tmp/gw.txt"
 */
import http from 'node:http';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
const upPort = Number(new URL(process.env.BENCH_UPSTREAM).port);
let tw = 0,
  tr = 0,
  inflight = 0;
const pre = [],
  up = [],
  post = [],
  total = [];
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (ev, req, res) {
  if (ev === 'request' && req.method === 'POST') {
    const start = performance.now();
    inflight++;
    const mine = { ok: inflight === 1 };
    tw = 0;
    tr = 0;
    let t1 = 0;
    const end = res.end;
    res.end = function () {
      t1 = performance.now();
      return end.apply(this, arguments);
    };
    res.on('finish', () => {
      if (mine.ok && inflight === 1 && tw && tr) {
        pre.push(tw - start);
        up.push(tr - tw);
        post.push(t1 - tr);
        total.push(t1 - start);
      }
      inflight--;
    });
  }
  return emit.apply(this, arguments);
};
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function () {
  if (this.remotePort === upPort && !tw) tw = performance.now();
  return write.apply(this, arguments);
};
const push = net.Socket.prototype.push;
net.Socket.prototype.push = function (c) {
  if (c && this.remotePort === upPort && !tr) tr = performance.now();
  return push.apply(this, arguments);
};
process.on('exit', () => {
  const q = (a, p) => {
    a.sort((x, y) => x - y);
    return (a[Math.floor(p * a.length)] ?? NaN).toFixed(3);
  };
  writeFileSync(
    process.env.PROBE_OUT ?? `/tmp/g3ab/probe-${process.pid}.txt`,
    `n ${total.length} total p50 ${q(total, 0.5)} p90 ${q(total, 0.9)} | pre p50 ${q(pre, 0.5)} p90 ${q(pre, 0.9)} | up p50 ${q(up, 0.5)} p90 ${q(up, 0.9)} | post p50 ${q(post, 0.5)} p90 ${q(post, 0.9)}\n`,
  );
});
