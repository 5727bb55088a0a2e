module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'distribution-core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
