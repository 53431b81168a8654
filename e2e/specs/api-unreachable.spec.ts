/**
 * Seed: none reaches this dashboard. global-setup starts a second `next start`
 * of the same build with KINSIGHT_API_URL pointing at a port nobody listens on.
 */
import { expect, test } from '@playwright/test';
import { detachedWebUrl } from '../src/env.js';

test('an unreachable API shows a clear error banner instead of an empty graph', async ({ page }) => {
  await page.goto(`${detachedWebUrl()}/?range=5m`);
  const banner = page.getByTestId('api-error');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Cannot load the topology.');
  await expect(banner).toContainText('Kinsight API unreachable at http://127.0.0.1:');
  await expect(banner).toContainText('ECONNREFUSED');
  await expect(page.getByTestId('topology-summary')).toHaveText('Topology unavailable');
  await expect(page.getByTestId('empty-state')).toHaveCount(0);
  await expect(page.getByTestId('topology-graph')).toHaveAttribute('data-edge-count', '0');
});
