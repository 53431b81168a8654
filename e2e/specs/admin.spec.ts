/**
 * Seed: the e2e admin (global-setup, through `bootstrap-admin`, signed in on the sign-in page).
 * This spec makes its own viewer and agent token through the admin page and probes ingest with
 * batches that carry no rows, so the shared seed's exact counts (topology spec) do not change.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiUrl, signedInState, webUrl } from '../src/env.js';

test.use({ storageState: signedInState() });
// The second test signs in as the viewer the first one creates.
test.describe.configure({ mode: 'serial' });

const suffix = randomBytes(3).toString('hex');
const VIEWER = `e2e-viewer-${suffix}`;
const VIEWER_PASSWORD = `viewer-${randomBytes(8).toString('hex')}`;
const AGENT = `e2e-agent-${suffix}`;

/** An empty batch: authenticated and claimed like any other, but it stores no rows. */
async function ingestWith(request: APIRequestContext, token: string) {
  const response = await request.post(`${apiUrl()}/trpc/ingest.batch`, {
    headers: { authorization: `Bearer ${token}` },
    data: { batchId: randomUUID(), agent: { id: AGENT, hostname: 'e2e', version: 'e2e' }, sentAt: Date.now(), edges: [] },
  });
  const body = (await response.json()) as { result?: { data?: unknown }; error?: { message?: string } };
  return { status: response.status(), message: body.error?.message ?? null };
}

test('an admin creates a viewer and an agent token, and a revoked token is refused by ingest at once', async ({ page, request }) => {
  await page.goto(`${webUrl()}/admin`);
  const users = page.getByTestId('users-card');
  await expect(users.getByTestId('user-row-e2e-admin')).toContainText('(you)');

  await page.getByTestId('user-create-username').fill(VIEWER);
  await page.getByTestId('user-create-password').fill(VIEWER_PASSWORD);
  await page.getByTestId('user-create-role').selectOption('viewer');
  await page.getByTestId('user-create-submit').click();
  await expect(page.getByTestId(`user-role-${VIEWER}`)).toHaveText('viewer');

  await page.getByTestId('token-create-name').fill(AGENT);
  await page.getByTestId('token-create-submit').click();
  const secret = page.getByTestId('token-secret');
  await expect(secret).toHaveText(/^kst_[A-Za-z0-9_-]{32}$/);
  const token = (await secret.textContent()) ?? '';
  await expect(page.getByTestId(`token-status-${AGENT}`)).toHaveText('active');
  // Shown once: after "done" the page has no way to show it again.
  await page.getByTestId('token-secret-dismiss').click();
  await expect(page.getByTestId('token-secret-box')).toHaveCount(0);
  await expect(page.getByTestId('tokens-card')).not.toContainText(token);

  expect(await ingestWith(request, token)).toEqual({ status: 200, message: null });

  await page.getByTestId(`token-revoke-${AGENT}`).click();
  await page.getByTestId(`token-revoke-confirm-${AGENT}`).click();
  await expect(page.getByTestId(`token-status-${AGENT}`)).toContainText('revoked');
  // The very next batch: no cache anywhere keeps a revoked token alive.
  expect(await ingestWith(request, token)).toEqual({ status: 401, message: 'agent token missing or revoked' });
});

test('a viewer sees that the admin page is for admins, with no admin actions', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    const page = await context.newPage();
    await page.goto(`${webUrl()}/signin?next=${encodeURIComponent('/admin')}`);
    await page.getByTestId('signin-username').fill(VIEWER);
    await page.getByTestId('signin-password').fill(VIEWER_PASSWORD);
    await page.getByTestId('signin-submit').click();
    await expect(page).toHaveURL(`${webUrl()}/admin`);
    await expect(page.getByTestId('admin-forbidden')).toContainText('Admins only');
    await expect(page.getByTestId('admin-forbidden')).toContainText(`signed in as ${VIEWER}, a viewer`);
    await expect(page.getByTestId('users-card')).toHaveCount(0);
    await expect(page.getByTestId('tokens-card')).toHaveCount(0);
    await expect(page.getByRole('button', { name: /create|revoke|delete|disable/i })).toHaveCount(0);
    // The page only hides what the API refuses anyway.
    const refused = await page.evaluate(async () => {
      const response = await fetch('/api/trpc/users.list');
      return ((await response.json()) as { error?: { data?: { code?: string } } }).error?.data?.code ?? null;
    });
    expect(refused).toBe('FORBIDDEN');
  } finally {
    await context.close();
  }
});

test('an admin changes the viewer’s role, disables, enables and deletes it', async ({ page }) => {
  await page.goto(`${webUrl()}/admin`);
  await page.getByTestId(`user-set-role-${VIEWER}`).click();
  await expect(page.getByTestId(`user-role-${VIEWER}`)).toHaveText('admin');
  await page.getByTestId(`user-set-role-${VIEWER}`).click();
  await expect(page.getByTestId(`user-role-${VIEWER}`)).toHaveText('viewer');
  await page.getByTestId(`user-disable-${VIEWER}`).click();
  await expect(page.getByTestId(`user-disabled-${VIEWER}`)).toHaveText('disabled');
  await page.getByTestId(`user-enable-${VIEWER}`).click();
  await expect(page.getByTestId(`user-disabled-${VIEWER}`)).toHaveCount(0);
  await page.getByTestId(`user-delete-${VIEWER}`).click();
  await page.getByTestId(`user-delete-confirm-${VIEWER}`).click();
  await expect(page.getByTestId(`user-row-${VIEWER}`)).toHaveCount(0);
  // The admin's own row offers nothing that could lock them out.
  await expect(page.getByTestId('user-row-e2e-admin').getByRole('button')).toHaveCount(0);
});
