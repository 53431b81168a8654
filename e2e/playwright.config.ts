import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH } from './src/browser.js';
import { e2eEnv } from './src/env.js';

export default defineConfig({
  testDir: './specs',
  globalSetup: './global-setup.ts',
  // One stack, seeded once: specs share it and run one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(e2eEnv().CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
