'use client';
/**
 * Username and password to a session cookie. The API sets the cookie (HttpOnly,
 * SameSite=Strict) through our proxy; this page never sees it.
 */
import { useState, type FormEvent } from 'react';

interface TrpcErrorBody {
  error?: { message?: string };
}

/** Only same-site paths: a `next` pointing elsewhere would make this page an open redirect. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInForm() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/api/trpc/auth.signIn', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kinsight-csrf': '1' },
        body: JSON.stringify({ username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') }),
      });
      if (response.ok) {
        window.location.assign(nextPath());
        return;
      }
      const body = (await response.json().catch(() => ({}))) as TrpcErrorBody;
      setError(body.error?.message ?? `sign-in failed (HTTP ${response.status})`);
    } catch (err) {
      setError(`cannot reach the dashboard server: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} data-testid="signin-form" style={{ display: 'grid', gap: 12, width: 320, padding: 24, background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 'var(--radius)' }}>
      <h1 style={{ margin: 0, fontSize: 20 }}>Sign in to Kinsight</h1>
      <label>
        Username
        <input name="username" autoComplete="username" required data-testid="signin-username" style={{ display: 'block', width: '100%' }} />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required data-testid="signin-password" style={{ display: 'block', width: '100%' }} />
      </label>
      <button type="submit" disabled={busy} data-testid="signin-submit">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error ? (
        <p role="alert" data-testid="signin-error" style={{ color: 'var(--critical)', margin: 0 }}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
