module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'distribution-feature',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
