/**
 * Seed (its own stack: src/insights-stack.ts, sent through the real `ingest.batch` — src/seed.ts
 * INSIGHTS_CASE): loadgen → gateway → product → inventory over 36 ten-second buckets ending 30 s
 * before the stack starts. The first 30 are normal (gateway → product 12 ms, 1 retransmit, 0.4 ms
 * RTT per bucket); in the last 6 the gateway → product call is slow on the network: its latency
 * (160 ms), TCP retransmits (~38) and smoothed RTT (6 ms) rise together, gateway's latency with it,
 * inventory stays at 4 ms. The API's own Insights runner (1 s ticks) turns that into exceptions and
 * root-cause reports; nothing here writes an exception or a report by hand.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startInsightsStack, type InsightsStack } from '../src/insights-stack.js';

interface PropagationSnapshot {
  nodes: Array<{ id: string; label: string; health: string; suspect: boolean }>;
  edges: Array<{ id: string; source: string; target: string; health: string; label: string; suspect: boolean }>;
}

/** The runner's first tick follows the API start by a second; its report lands in the same transaction. */
const RUNNER_TIMEOUT_MS = 60_000;

test.describe.configure({ mode: 'serial' });

let stack: InsightsStack | undefined;
let context: BrowserContext | undefined;

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(240_000);
  stack = await startInsightsStack();
  context = await browser.newContext({ storageState: stack.storageState });
});

test.afterAll(async () => {
  await context?.close();
  await stack?.stop();
});

async function openPage(path: string): Promise<{ page: Page; base: string }> {
  if (!stack || !context) throw new Error('e2e insights: the stack did not start (see beforeAll)');
  const page = await context.newPage();
  await page.goto(`${stack.webUrl}${path}`);
  return { page, base: stack.webUrl };
}

function gatewayLatencyRow(page: Page) {
  return page
    .getByTestId('exception-row')
    .filter({ has: page.getByTestId('exception-entity').filter({ hasText: /^Service · gateway$/ }) })
    .filter({ has: page.getByTestId('exception-metric').filter({ hasText: /^Latency$/ }) });
}

function propagation(page: Page): Promise<PropagationSnapshot | null> {
  return page.evaluate(() => {
    const hook = (globalThis as { __kinsightPropagation?: () => PropagationSnapshot }).__kinsightPropagation;
    return hook ? hook() : null;
  });
}

test('the Insights list shows the gateway latency exception with its report', async () => {
  const { page } = await openPage('/insights?range=1h');
  const row = gatewayLatencyRow(page);
  await expect(row).toHaveCount(1, { timeout: RUNNER_TIMEOUT_MS });
  await expect(row).toHaveAttribute('data-status', 'open');
  await expect(row.getByTestId('exception-title')).toHaveText(/^gateway: .*latency/);
  await expect(row.getByTestId('exception-impact')).toContainText('of traffic');
  await expect(row.getByTestId('exception-report-link')).toBeVisible({ timeout: RUNNER_TIMEOUT_MS });
  await expect(page.getByTestId('insights-error')).toHaveCount(0);
  await expect(page.getByTestId('nav-insights')).toHaveAttribute('aria-current', 'page');
  await page.close();
});

test('clicking the exception opens its report: a network problem on gateway → product', async () => {
  const { page, base } = await openPage('/insights?range=1h');
  const row = gatewayLatencyRow(page);
  await expect(row.getByTestId('exception-report-link')).toBeVisible({ timeout: RUNNER_TIMEOUT_MS });
  await row.getByTestId('exception-title').click();
  await expect(page).toHaveURL(new RegExp(`^${base}/reports/\\d+$`));

  await expect(page.getByTestId('report-fault-class')).toHaveText('network problem');
  await expect(page.getByTestId('report-headline')).toHaveText('Network problem on the call gateway → product');
  await expect(page.getByTestId('report-summary')).toContainText('gateway→product');
  await expect(page.getByTestId('report-phenomenon')).toContainText('gateway latency is abnormal');
  await expect(page.getByTestId('fault-tree-path').locator('li').last()).toHaveAttribute('data-node-id', 'network-on-call');
  const top = page.getByTestId('root-cause').first();
  await expect(top).toHaveAttribute('data-rank', '1');
  await expect(top.getByTestId('root-cause-entity')).toHaveText('gateway → product');

  // The diagram: the walk from gateway to product, the call between them marked as the suspect.
  await expect.poll(async () => (await propagation(page))?.edges.map(({ id, suspect }) => ({ id, suspect }))).toEqual([{ id: 'gateway->product', suspect: true }]);
  const snapshot = await propagation(page);
  // gateway is the entry; whether it also ranks as a lesser suspect depends on its own share of the delay.
  expect(snapshot?.nodes.find((n) => n.id === 'gateway')?.label).toMatch(/^gateway \(entry[,)]/);
  await expect(page.getByTestId('propagation-graph')).toHaveAttribute('data-edge-count', '1');

  // Response time and retransmits on one chart, drawn from the series the engine scored.
  const chart = page.getByTestId('report-chart-network-gateway-product');
  await expect(chart).toHaveAttribute('data-traffic-point-count', /^[1-9]\d*$/);
  await expect(chart.locator('canvas')).toHaveCount(1);
  await page.close();
});

test('filters live in the URL; an empty filter says so and clears', async () => {
  const { page, base } = await openPage('/insights?range=1h&severity=info');
  await expect(page.getByTestId('filter-severity-info')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('insights-empty')).toContainText('No exceptions match these filters');
  await page.getByTestId('insights-clear-filters').click();
  await expect(page).toHaveURL(`${base}/insights?range=1h`);
  await expect(gatewayLatencyRow(page)).toHaveCount(1, { timeout: RUNNER_TIMEOUT_MS });
  await page.getByTestId('filter-status-open').click();
  await expect(page).toHaveURL(`${base}/insights?range=1h&status=open`);
  await expect(gatewayLatencyRow(page)).toHaveCount(1);
  await page.close();
});

test("the topology's node panel links to that service's open exceptions", async () => {
  const { page, base } = await openPage('/?range=15m&node=service%3Agateway');
  const link = page.getByTestId('node-panel').getByTestId('open-exceptions-link');
  await expect(link).toHaveAttribute('data-count', /^[1-9]\d*$/, { timeout: RUNNER_TIMEOUT_MS });
  await link.click();
  await expect(page).toHaveURL(`${base}/insights?range=24h&status=open&entity=service%3Agateway`);
  await expect(page.getByTestId('filter-entity')).toContainText('Service: gateway');
  await expect(gatewayLatencyRow(page)).toHaveCount(1);
  for (const entity of await page.getByTestId('exception-entity').allTextContents()) expect(entity).toBe('Service · gateway');
  await page.close();
});
