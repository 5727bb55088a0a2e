module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'trigger-infra',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
