import { afterEach, beforeEach } from 'vitest';
import { createChatClient, type ChatClient } from '../../../src/providers/index.js';
import { startFaultServer, type Fault, type FaultServer, type ReceivedRequest } from '../../helpers/fault-server.js';
import { openTestStore, type StoreKind, type TestStore } from '../../helpers/stores.js';

/** What each test of a nightly scenario works with: a fresh store, a chat client and the scripted endpoint. */
export interface DriftEndpoint {
  readonly store: TestStore;
  readonly chat: ChatClient;
  readonly server: FaultServer;
}

/**
 * Registers the hooks of a nightly scenario in the calling `describe`: before each test `reset` (the
 * test's own state back to its start), then a store of `kind`, a chat client and a fault server that
 * answers with `reply`; after each test, all three are closed. Read the fields inside tests only.
 */
export function driftEndpoint(kind: StoreKind, reply: (req: ReceivedRequest) => Fault, reset?: () => void): DriftEndpoint {
  let store: TestStore | undefined;
  let chat: ChatClient | undefined;
  let server: FaultServer | undefined;
  beforeEach(async () => {
    reset?.();
    store = await openTestStore(kind);
    chat = createChatClient({ env: {} });
    server = await startFaultServer((_n, req) => reply(req));
  });
  afterEach(async () => {
    await chat?.close();
    await server?.close();
    await store?.cleanup();
  });
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('driftEndpoint: read inside a test, after beforeEach');
    return v;
  };
  return {
    get store() {
      return ready(store);
    },
    get chat() {
      return ready(chat);
    },
    get server() {
      return ready(server);
    },
  };
}
