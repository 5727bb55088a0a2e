module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'trigger-core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
