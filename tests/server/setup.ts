import { afterAll } from 'vitest';
import { closeTestStores } from './helpers.js';

// PostgreSQL stores opened by testStore() are closed and their schemas dropped after each file.
afterAll(closeTestStores);
