module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'retention-core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
