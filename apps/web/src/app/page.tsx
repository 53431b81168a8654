import { connection } from 'next/server';
import { Suspense } from 'react';
import { TopologyView } from '../components/TopologyView.js';
import { webEnv } from '../env.js';

export default async function TopologyPage() {
  // Render per request so KINSIGHT_TEST_HOOKS is read at run time, not frozen at build.
  await connection();
  const { testHooks } = webEnv();
  return (
    <Suspense fallback={null}>
      <TopologyView testHooks={testHooks} />
    </Suspense>
  );
}
