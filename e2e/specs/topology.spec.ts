/**
 * Seed (global-setup.ts → src/seed.ts), sent through the real `ingest.batch`:
 * the 12 ten-second buckets before the run started (two minutes), each with
 *   gateway → product:   50 × 2xx + 5 × 5xx (errors), 12 ms mean latency  → 660 requests, 60 errors, critical
 *   product → inventory: 30 × 2xx, 4 ms mean latency                      → 360 requests, healthy
 * The page is opened on the 15-minute range, so every seeded bucket is inside the window.
 * The browser carries the e2e admin's session (signed in on the sign-in page by global-setup).
 */
import { expect, test, type Page } from '@playwright/test';
import { signedInState, webUrl } from '../src/env.js';
import { GATEWAY_TO_PRODUCT, PRODUCT_TO_INVENTORY, SEED_BUCKETS } from '../src/seed.js';

interface TopologySnapshot {
  nodes: Array<{ id: string; label: string; health: string; position: { x: number; y: number } }>;
  edges: Array<{ id: string; source: string; target: string; health: string; label: string; midpoint: { x: number; y: number } }>;
}

test.use({ storageState: signedInState() });

const GATEWAY_EDGE = 'service:gateway->service:product#http1';
const INVENTORY_EDGE = 'service:product->service:inventory#http1';
const gatewayRequests = SEED_BUCKETS * (GATEWAY_TO_PRODUCT.ok + GATEWAY_TO_PRODUCT.serverErrors);
const gatewayErrors = SEED_BUCKETS * GATEWAY_TO_PRODUCT.serverErrors;
const inventoryRequests = SEED_BUCKETS * PRODUCT_TO_INVENTORY.ok;

function snapshot(page: Page): Promise<TopologySnapshot | null> {
  return page.evaluate(() => {
    const hook = (globalThis as { __kinsightTopology?: () => TopologySnapshot }).__kinsightTopology;
    return hook ? hook() : null;
  });
}

async function positionOf(page: Page, pick: (s: TopologySnapshot) => { x: number; y: number } | undefined) {
  const current = await snapshot(page);
  const point = current ? pick(current) : undefined;
  if (!point) throw new Error('e2e: element not found in the topology snapshot');
  return point;
}

test.beforeEach(async ({ page }) => {
  await page.goto(`${webUrl()}/?range=15m`);
  await expect(page.getByTestId('topology-graph')).toHaveAttribute('data-edge-count', '2');
});

test('draws the seeded services and calls with their health', async ({ page }) => {
  await expect(page.getByTestId('topology-graph')).toHaveAttribute('data-node-count', '3');
  await expect(page.getByTestId('topology-summary')).toHaveText('3 services · 2 connections · 1 unhealthy');
  await expect(page.getByTestId('api-error')).toHaveCount(0);
  await expect(page.getByTestId('empty-state')).toHaveCount(0);
  await expect
    .poll(async () => (await snapshot(page))?.edges.map(({ id, source, target, health, label }) => ({ id, source, target, health, label })))
    .toEqual([
      // 660 requests / 900 s = 0.73 rps; 60 / 660 = 9.1 % errors.
      { id: GATEWAY_EDGE, source: 'service:gateway', target: 'service:product', health: 'critical', label: '0.7 rps · 12 ms · 9.1% err' },
      // 360 / 900 s = 0.4 rps.
      { id: INVENTORY_EDGE, source: 'service:product', target: 'service:inventory', health: 'healthy', label: '0.4 rps · 4 ms' },
    ]);
});

test('clicking the gateway → product edge on the canvas opens its panel with both charts', async ({ page }) => {
  await expect.poll(async () => (await snapshot(page))?.edges.length).toBe(2);
  const midpoint = await positionOf(page, (s) => s.edges.find((e) => e.id === GATEWAY_EDGE)?.midpoint);
  await page.mouse.click(midpoint.x, midpoint.y);

  const panel = page.getByTestId('edge-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('gateway → product');
  await expect(panel.getByTestId('edge-requests')).toContainText(String(gatewayRequests));
  await expect(panel.getByTestId('edge-errors')).toContainText(String(gatewayErrors));
  await expect(panel.getByTestId('edge-error-rate')).toContainText('9.1%');
  await expect(panel.getByTestId('edge-latency')).toContainText('12 ms');
  await expect(panel.getByTestId('edge-status-classes')).toHaveText(/2xx · 600\s*5xx · 60/);
  // The series is dense over the window; exactly the seeded buckets carry traffic.
  await expect(panel.getByTestId('chart-request-rate')).toHaveAttribute('data-traffic-point-count', String(SEED_BUCKETS));
  await expect(panel.getByTestId('chart-latency')).toHaveAttribute('data-traffic-point-count', String(SEED_BUCKETS));
  await expect(page).toHaveURL(`${webUrl()}/?range=15m&edge=${encodeURIComponent(GATEWAY_EDGE)}`);
});

test('a shared link reopens the selected edge', async ({ page }) => {
  await page.goto(`${webUrl()}/?range=15m&edge=${encodeURIComponent(INVENTORY_EDGE)}`);
  const panel = page.getByTestId('edge-panel');
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('product → inventory');
  await expect(panel.getByTestId('edge-requests')).toContainText(String(inventoryRequests));
  await expect(panel.getByTestId('chart-latency')).toHaveAttribute('data-traffic-point-count', String(SEED_BUCKETS));
});

test('clicking a node shows what it served, and closing clears the selection', async ({ page }) => {
  await expect.poll(async () => (await snapshot(page))?.nodes.length).toBe(3);
  const product = await positionOf(page, (s) => s.nodes.find((n) => n.id === 'service:product')?.position);
  await page.mouse.click(product.x, product.y);

  const panel = page.getByTestId('node-panel');
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('product');
  await expect(panel.getByTestId('node-requests')).toContainText(String(gatewayRequests));
  await expect(panel.getByTestId('node-errors')).toContainText(String(gatewayErrors));
  await expect(panel.getByTestId('node-inbound')).toContainText('gateway');
  await expect(panel.getByTestId('node-outbound')).toContainText('inventory');
  await expect(page).toHaveURL(`${webUrl()}/?range=15m&node=service%3Aproduct`);

  await panel.getByTestId('panel-close').click();
  await expect(panel).toHaveCount(0);
  await expect(page).toHaveURL(`${webUrl()}/?range=15m`);
});
