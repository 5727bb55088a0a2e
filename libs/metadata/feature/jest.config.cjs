module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'metadata-feature',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
