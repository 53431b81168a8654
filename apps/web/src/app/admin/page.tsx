import type { Metadata } from 'next';
import { AdminView } from '../../components/admin/AdminView.js';

export const metadata: Metadata = { title: 'Kinsight · Admin' };

export default function AdminPage() {
  return <AdminView />;
}
