'use client';
/**
 * Agent tokens: create one (its secret is shown here once — the API keeps only its hash) and
 * revoke one (two clicks); ingest refuses a revoked token from its next batch on.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../trpc/client.js';
import { describeError, formatWhen, tokenNameProblem } from './admin-format.js';
import styles from './Admin.module.css';

const TOKENS_KEY = ['admin', 'agentTokens'] as const;

export function AgentTokensCard() {
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: TOKENS_KEY, queryFn: ({ signal }) => api.agentTokens.list.query(undefined, { signal }) });
  const [formError, setFormError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: (name: string) => api.agentTokens.create.mutate({ name }),
    onSuccess: (created) => {
      setSecret({ name: created.name, token: created.token });
      setCopied(false);
      return queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.agentTokens.revoke.mutate({ id }),
    onSuccess: () => setConfirming(null),
    onSettled: () => queryClient.invalidateQueries({ queryKey: TOKENS_KEY }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const name = String(new FormData(formElement).get('name') ?? '').trim();
    const problem = tokenNameProblem(name);
    setFormError(problem);
    if (problem) return;
    create.mutate(name, { onSuccess: () => formElement.reset() });
  }

  async function copy(token: string) {
    // The clipboard needs a secure context; on plain http the token stays selectable by hand.
    await navigator.clipboard?.writeText(token).then(() => setCopied(true), () => setCopied(false));
  }

  const busy = create.isPending || revoke.isPending;
  const error = formError ?? (create.isError ? describeError(create.error) : revoke.isError ? describeError(revoke.error) : null);

  return (
    <section className={styles.card} aria-labelledby="tokens-title" data-testid="tokens-card">
      <div className={styles.cardHeader}>
        <h2 id="tokens-title" className={styles.cardTitle}>Agent tokens</h2>
        <span className={styles.muted}>Agents and scripts send batches with `Authorization: Bearer &lt;token&gt;`.</span>
      </div>
      <form className={styles.form} onSubmit={submit}>
        <label className={styles.field}>
          Name
          <input name="name" placeholder="node-a or a script's name" autoComplete="off" required data-testid="token-create-name" />
        </label>
        <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={busy} data-testid="token-create-submit">
          Create token
        </button>
      </form>
      {secret && (
        <div className={styles.secret} role="status" data-testid="token-secret-box">
          <strong>Token for {secret.name} — copy it now; it is not shown again.</strong>
          <code data-testid="token-secret">{secret.token}</code>
          <div className={styles.actions} style={{ justifyContent: 'flex-start' }}>
            <button type="button" className={styles.button} onClick={() => void copy(secret.token)}>
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" className={styles.button} onClick={() => setSecret(null)} data-testid="token-secret-dismiss">
              Done, I stored it
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className={styles.error} role="alert" data-testid="tokens-error">
          {error}
        </p>
      )}
      {tokens.isError ? (
        <p className={styles.error} role="alert">Cannot list agent tokens: {describeError(tokens.error)}</p>
      ) : (tokens.data ?? []).length === 0 && tokens.isSuccess ? (
        <p className={styles.muted} style={{ padding: '10px 14px', margin: 0 }}>No agent tokens yet.</p>
      ) : (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Created</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {(tokens.data ?? []).map((token) => (
              <tr key={token.id} data-testid={`token-row-${token.name}`}>
                <td>{token.name}</td>
                <td data-testid={`token-status-${token.name}`}>
                  {token.revokedAt === null ? (
                    <span className={`${styles.badge} ${styles.badgeOk}`}>active</span>
                  ) : (
                    <span className={`${styles.badge} ${styles.badgeOff}`}>revoked {formatWhen(token.revokedAt)}</span>
                  )}
                </td>
                <td className={styles.muted}>
                  {formatWhen(token.createdAt)}
                  {token.createdBy ? ` by ${token.createdBy}` : ''}
                </td>
                <td>
                  {token.revokedAt === null && (
                    <div className={styles.actions}>
                      {confirming === token.id ? (
                        <button type="button" className={`${styles.button} ${styles.confirm}`} disabled={busy} data-testid={`token-revoke-confirm-${token.name}`}
                          onClick={() => revoke.mutate(token.id)}>
                          Revoke {token.name} now
                        </button>
                      ) : (
                        <button type="button" className={`${styles.button} ${styles.danger}`} disabled={busy} data-testid={`token-revoke-${token.name}`}
                          onClick={() => setConfirming(token.id)}>
                          Revoke
                        </button>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
