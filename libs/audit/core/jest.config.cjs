module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'audit-core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
