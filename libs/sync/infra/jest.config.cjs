module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'sync-infra',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
