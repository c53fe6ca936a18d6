import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Where the committed demo dataset lives: found from this module, so `routelab demo` works from any cwd. */
export const DEMO_DIR = fileURLToPath(new URL('../../datasets/demo/', import.meta.url));

export const DEMO_FILES = {
  catalog: join(DEMO_DIR, 'catalog.yaml'),
  golden: join(DEMO_DIR, 'golden.yaml'),
  traffic: join(DEMO_DIR, 'traffic.jsonl'),
  policies: {
    current: join(DEMO_DIR, 'policies', 'support-assistant.yaml'),
    cheap: join(DEMO_DIR, 'policies', 'support-assistant-cheap.yaml'),
    byIntent: join(DEMO_DIR, 'policies', 'support-assistant-by-intent.yaml'),
  },
} as const;

/** Names the demo creates; fixed so that the next-step commands it prints are copy-pasteable. */
export const DEMO_NAMES = {
  policy: 'support-assistant',
  variants: ['support-assistant-cheap', 'support-assistant-by-intent'],
  golden: 'demo-golden',
  sample: 'demo-nightly',
} as const;
