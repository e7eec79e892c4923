import { defineConfig } from 'vitest/config';

const shared = { environment: 'node' as const, testTimeout: 20_000, hookTimeout: 30_000, pool: 'forks' as const, setupFiles: ['tests/server/setup.ts'] };

/**
 * Two projects: every server test on the embedded stores, and – when SICHTBAR_TEST_DATABASE_URL
 * is set (.ci/run sets it) – the suites that exercise the Store through the domain and HTTP layers
 * again on PostgreSQL (testStore() in tests/server/helpers.ts picks the adapter).
 */
const onPostgres = [
  'tests/server/domain/coding.test.ts',
  'tests/server/domain/codebook.test.ts',
  'tests/server/domain/corpus.test.ts',
  'tests/server/http/api.test.ts',
  'tests/server/comparison/demo.test.ts',
  'tests/server/search/search.test.ts',
  'tests/server/search/autocode.test.ts',
  'tests/server/search/http.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'embedded', include: ['tests/server/**/*.test.ts'] } },
      ...(process.env.SICHTBAR_TEST_DATABASE_URL
        ? [{ test: { ...shared, name: 'postgres', include: onPostgres, env: { SICHTBAR_TEST_STORE: 'postgres' } } }]
        : []),
    ],
  },
});
