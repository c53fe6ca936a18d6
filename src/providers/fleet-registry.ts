import { loadFleet } from './fleet-load.js';
import { startFleetServer, type FleetServer } from './fleet-server.js';

interface Shared {
  server: Promise<FleetServer>;
  refs: number;
}

/**
 * One loopback fleet server per (fleet, answers) pair per process, started on first use and
 * shared by every client; it stops when the last client holding it closes.
 */
const servers = new Map<string, Shared>();

export interface FleetLease {
  baseUrl: string;
  release(): Promise<void>;
}

export async function acquireFleet(fleetPath: string, answersPath: string): Promise<FleetLease> {
  const id = `${fleetPath}\u0000${answersPath}`;
  let shared = servers.get(id);
  if (!shared) {
    const server = loadFleet(fleetPath, answersPath).then((loaded) => startFleetServer(loaded));
    shared = { server, refs: 0 };
    servers.set(id, shared);
    // A fleet that failed to load is forgotten so a corrected file is picked up next time.
    server.catch(() => {
      if (servers.get(id) === shared) servers.delete(id);
    });
  }
  shared.refs++;
  const held = shared;
  let server: FleetServer;
  try {
    server = await held.server;
  } catch (e) {
    held.refs--;
    throw e;
  }
  let released = false;
  return {
    baseUrl: server.baseUrl,
    release: async () => {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs === 0 && servers.get(id) === held) {
        servers.delete(id);
        await server.close();
      }
    },
  };
}

/** A client's leases: one per (fleet, answers) it has used, released together when it closes. */
export interface FleetLeases {
  baseUrl(fleetPath: string, answersPath: string): Promise<string>;
  releaseAll(): Promise<void>;
}

export function fleetLeases(): FleetLeases {
  const leases = new Map<string, Promise<FleetLease>>();
  return {
    async baseUrl(fleetPath, answersPath) {
      const id = `${fleetPath}\u0000${answersPath}`;
      let lease = leases.get(id);
      if (!lease) {
        lease = acquireFleet(fleetPath, answersPath);
        leases.set(id, lease);
        lease.catch(() => leases.delete(id));
      }
      return (await lease).baseUrl;
    },
    async releaseAll() {
      const held = [...leases.values()];
      leases.clear();
      await Promise.all(held.map(async (l) => (await l.catch(() => null))?.release()));
    },
  };
}
