module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'console',
  rootDir: __dirname,
  // The pages' logic: pure functions, no browser (tests/registry/src/console.e2e.spec.ts drives a real one).
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
