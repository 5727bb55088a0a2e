module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'iam-infra',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
