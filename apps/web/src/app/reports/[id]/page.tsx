import type { Metadata } from 'next';
import { connection } from 'next/server';
import { ReportView } from '../../../components/report/ReportView.js';
import { webEnv } from '../../../env.js';

export const metadata: Metadata = { title: 'Kinsight · Root-cause report' };

/** Report ids are positive 32-bit integers (the API's identity column). */
function reportId(raw: string): number | null {
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= 2_147_483_647 ? id : null;
}

export default async function ReportPage({ params }: { params: Promise<{ id: string }> }) {
  // Render per request so KINSIGHT_TEST_HOOKS is read at run time, not frozen at build.
  await connection();
  const { id } = await params;
  return <ReportView id={reportId(id)} rawId={id} testHooks={webEnv().testHooks} />;
}
