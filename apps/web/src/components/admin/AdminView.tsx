'use client';
/**
 * The admin page: users and agent tokens. Who may see it is the API's call (`auth.me`, and every
 * admin procedure checks the role again); a viewer gets a plain "admins only" and no controls.
 * Mutations go through the tRPC client, which sends the CSRF header the API requires.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../../trpc/client.js';
import { describeError, errorCode } from './admin-format.js';
import { AgentTokensCard } from './AgentTokensCard.js';
import { UsersCard } from './UsersCard.js';
import styles from './Admin.module.css';

export function AdminView() {
  const me = useQuery({ queryKey: ['auth', 'me'], queryFn: ({ signal }) => api.auth.me.query(undefined, { signal }) });
  const unauthorized = errorCode(me.error) === 'UNAUTHORIZED';
  useEffect(() => {
    // No session: sign in and come back here.
    if (unauthorized) window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname)}`);
  }, [unauthorized]);

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <h1 className={styles.title}>Admin</h1>
        <p className={styles.subtitle}>Who may sign in, and which agents may send data</p>
      </header>
      {me.isPending ? (
        <p className={styles.notice} data-testid="admin-loading">Checking your role…</p>
      ) : me.isError ? (
        <div className={styles.notice} role="alert" data-testid="admin-error">
          <h2>Cannot check your role</h2>
          <p>{describeError(me.error)}</p>
        </div>
      ) : me.data.role !== 'admin' ? (
        <div className={styles.notice} role="alert" data-testid="admin-forbidden">
          <h2>Admins only</h2>
          <p>
            You are signed in as {me.data.username}, a viewer. Users and agent tokens are managed by admins; ask one to
            change your role if you need to.
          </p>
        </div>
      ) : (
        <main className={styles.main}>
          <UsersCard me={me.data.username} />
          <AgentTokensCard />
        </main>
      )}
    </div>
  );
}
