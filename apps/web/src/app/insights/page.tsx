import type { Metadata } from 'next';
import { Suspense } from 'react';
import { InsightsView } from '../../components/insights/InsightsView.js';

export const metadata: Metadata = { title: 'Kinsight · Insights' };

export default function InsightsPage() {
  // useSearchParams needs a Suspense boundary for the static shell.
  return (
    <Suspense fallback={null}>
      <InsightsView />
    </Suspense>
  );
}
