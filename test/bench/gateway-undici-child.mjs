/** gateway-child.mjs with plain-http upstreams over undici's pools (for gateway-ab.ts). */
process.env.ROUTELAB_GATEWAY_UNDICI = '1';
await import('./gateway-child.mjs');
