// Baseline of the `policy list` start-up bench: the least any command on the embedded store can do,
// open the PGlite data directory given as argv[2], run `select 1`, close.
import { PGlite } from '@electric-sql/pglite';

const db = new PGlite({ dataDir: process.argv[2] });
await db.waitReady;
await db.query('select 1');
await db.close();
