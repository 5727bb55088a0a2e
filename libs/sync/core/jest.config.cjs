module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'sync-core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
