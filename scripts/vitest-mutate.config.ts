import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../vitest.config.ts';

// The tests Stryker runs against mutants (npm run mutate): those of the domains in its scope, not the slow
// simulator or pipeline ground-truth suites nor the browser tests, which guard other code.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['src/{privacy,server,ingest,geo,epi}/**/*.test.ts'],
      exclude: ['**/node_modules/**', '**/*.browser.test.ts'],
    },
  }),
);
