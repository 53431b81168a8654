import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { AppNav } from '../components/nav/AppNav.js';
import navStyles from '../components/nav/AppNav.module.css';
import { Providers } from '../components/Providers.js';
import './globals.css';

export const metadata: Metadata = {
  title: 'Kinsight · Service topology',
  description: 'Service topology, golden metrics and root-cause reports from eBPF',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <div className={navStyles.shell}>
            <AppNav />
            <div className={navStyles.content}>{children}</div>
          </div>
        </Providers>
      </body>
    </html>
  );
}
