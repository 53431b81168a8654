import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '../components/Providers.js';
import './globals.css';

export const metadata: Metadata = {
  title: 'Kinsight · Service topology',
  description: 'Service topology and golden metrics from eBPF',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
