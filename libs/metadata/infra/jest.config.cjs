module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'metadata-infra',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
