module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'audit-infra',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
