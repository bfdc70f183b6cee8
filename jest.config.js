// Two projects mirror upstream's split: fast unit tests with fakes, and integration tests that
// drive a real Docker engine, iptables in a network namespace, rpmbuild and systemd-analyze.
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
};
const common = {
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  testEnvironment: 'node',
};

export default {
  // Real Docker, netns and rpmbuild calls slow down a lot on 2 busy cores; a hung test still fails.
  // (Jest applies testTimeout globally only, not per project.)
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.integration\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/packages/*/src/**/*.integration.test.ts', '<rootDir>/packages/*/test/**/*.integration.test.ts'],
    },
  ],
};
