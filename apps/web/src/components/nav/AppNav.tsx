'use client';
/**
 * The dashboard's left rail: Topology and Insights for everyone, Admin for admins (the role comes from
 * `auth.me`). Insights carries a dot while exceptions are open. Hidden on the sign-in page.
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { api } from '../../trpc/client.js';
import styles from './AppNav.module.css';

const OPEN_POLL_MS = 30_000;

interface NavItem {
  href: string;
  label: string;
  testId: string;
  /** pathnames this item is the current page for */
  matches: (pathname: string) => boolean;
  icon: ReactNode;
}

const ICON_PROPS = { width: 22, height: 22, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.8, strokeLinecap: 'round', strokeLinejoin: 'round' } as const;

const ITEMS: NavItem[] = [
  {
    href: '/',
    label: 'Topology',
    testId: 'nav-topology',
    matches: (p) => p === '/',
    icon: (
      <svg {...ICON_PROPS} aria-hidden>
        <circle cx="5" cy="12" r="2.5" />
        <circle cx="19" cy="5" r="2.5" />
        <circle cx="19" cy="19" r="2.5" />
        <path d="M7.3 11 16.8 6.1M7.3 13l9.5 4.9" />
      </svg>
    ),
  },
  {
    href: '/insights',
    label: 'Insights',
    testId: 'nav-insights',
    matches: (p) => p.startsWith('/insights') || p.startsWith('/reports'),
    icon: (
      <svg {...ICON_PROPS} aria-hidden>
        <path d="M12 3 2.5 20h19L12 3Z" />
        <path d="M12 10v4.5M12 17.2v.1" />
      </svg>
    ),
  },
];

const ADMIN_ITEM: NavItem = {
  href: '/admin',
  label: 'Admin',
  testId: 'nav-admin',
  matches: (p) => p.startsWith('/admin'),
  icon: (
    <svg {...ICON_PROPS} aria-hidden>
      <circle cx="12" cy="8" r="3.5" />
      <path d="M4.5 20c.8-3.6 3.8-5.5 7.5-5.5s6.7 1.9 7.5 5.5" />
    </svg>
  ),
};

export function AppNav() {
  const pathname = usePathname();
  const hidden = pathname.startsWith('/signin');
  const me = useQuery({ queryKey: ['auth-me'], queryFn: ({ signal }) => api.auth.me.query(undefined, { signal }), enabled: !hidden, retry: false, staleTime: 60_000 });
  const open = useQuery({
    queryKey: ['open-exceptions-any'],
    queryFn: ({ signal }) => api.exceptions.list.query({ status: 'open', limit: 1 }, { signal }),
    enabled: !hidden && me.isSuccess,
    refetchInterval: OPEN_POLL_MS,
    retry: false,
  });
  if (hidden) return null;
  const items = me.data?.role === 'admin' ? [...ITEMS, ADMIN_ITEM] : ITEMS;
  const anyOpen = (open.data?.items.length ?? 0) > 0;

  return (
    <nav className={styles.rail} aria-label="Main" data-testid="app-nav">
      <span className={styles.logo} aria-hidden>
        K
      </span>
      <ul className={styles.items}>
        {items.map((item) => {
          const current = item.matches(pathname);
          return (
            <li key={item.href}>
              <Link href={item.href} className={styles.item} aria-current={current ? 'page' : undefined} data-testid={item.testId}>
                <span className={styles.icon}>
                  {item.icon}
                  {item.href === '/insights' && anyOpen && <span className={styles.dot} data-testid="nav-open-exceptions" title="Open exceptions" />}
                </span>
                <span className={styles.label}>{item.label}</span>
              </Link>
            </li>
          );
        })}
      </ul>
      {me.data && (
        <span className={styles.user} title={`Signed in as ${me.data.username} (${me.data.role})`} data-testid="nav-user">
          {me.data.username.slice(0, 2).toUpperCase()}
        </span>
      )}
    </nav>
  );
}
