/**
 * Seed: the e2e admin (global-setup, through `bootstrap-admin`); these tests start without a session.
 */
import { expect, test } from '@playwright/test';
import { E2E_PASSWORD, E2E_USER } from '../src/auth.js';
import { webUrl } from '../src/env.js';

test.use({ storageState: { cookies: [], origins: [] } });

test('without a session the dashboard sends you to sign in, and a wrong password says so', async ({ page }) => {
  await page.goto(`${webUrl()}/?range=15m`);
  await expect(page).toHaveURL(/\/signin\?next=/);
  await page.getByTestId('signin-username').fill(E2E_USER);
  await page.getByTestId('signin-password').fill('not the password');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toHaveText('wrong username or password');
});

test('signing in sets an HttpOnly SameSite=Strict cookie and returns to the page you asked for', async ({ page, context }) => {
  await page.goto(`${webUrl()}/signin?next=${encodeURIComponent('/?range=15m')}`);
  await page.getByTestId('signin-username').fill(E2E_USER);
  await page.getByTestId('signin-password').fill(E2E_PASSWORD);
  await page.getByTestId('signin-submit').click();
  await expect(page).toHaveURL(`${webUrl()}/?range=15m`);
  await expect(page.getByTestId('topology-summary')).toContainText('services');
  const cookies = await context.cookies();
  expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }))).toEqual([
    { name: 'kinsight_session', httpOnly: true, sameSite: 'Strict' },
  ]);
});
