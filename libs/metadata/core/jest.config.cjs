module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'metadata-core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
