module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'api-http',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
