module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'iam-core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
