module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'gateway-shell',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
