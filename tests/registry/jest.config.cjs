module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'registry-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  // The suites run the registry as real processes: build them once before any suite starts.
  globalSetup: '<rootDir>/src/support/build-apps.cjs',
};
