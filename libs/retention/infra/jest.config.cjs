module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'retention-infra',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
