import type { Metadata } from 'next';
import { SignInForm } from '../../components/SignInForm.js';

export const metadata: Metadata = { title: 'Kinsight · Sign in' };

export default function SignInPage() {
  return (
    <main style={{ display: 'grid', placeItems: 'center', minHeight: '100%' }}>
      <SignInForm />
    </main>
  );
}
