module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'ops',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
