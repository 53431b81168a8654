'use client';
/** Users: create one, change a role, disable or enable, delete (two clicks). Admins only. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type RouterOutputs } from '../../trpc/client.js';
import { describeError, formatWhen, newUserProblem } from './admin-format.js';
import styles from './Admin.module.css';

type User = RouterOutputs['users']['list'][number];
type Role = User['role'];

const USERS_KEY = ['admin', 'users'] as const;

export function UsersCard({ me }: { me: string }) {
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: USERS_KEY, queryFn: ({ signal }) => api.users.list.query(undefined, { signal }) });
  const [formError, setFormError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const action = useMutation({
    mutationFn: (run: () => Promise<unknown>) => run(),
    onSettled: () => queryClient.invalidateQueries({ queryKey: USERS_KEY }),
    onSuccess: () => setConfirming(null),
  });
  const create = useMutation({
    mutationFn: (input: { username: string; password: string; role: Role }) => api.users.create.mutate(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: USERS_KEY }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const username = String(form.get('username') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const role: Role = form.get('role') === 'admin' ? 'admin' : 'viewer';
    const problem = newUserProblem(username, password);
    setFormError(problem);
    if (problem) return;
    create.mutate({ username, password, role }, { onSuccess: () => formElement.reset() });
  }

  const busy = action.isPending || create.isPending;
  const error = formError ?? (create.isError ? describeError(create.error) : action.isError ? describeError(action.error) : null);

  return (
    <section className={styles.card} aria-labelledby="users-title" data-testid="users-card">
      <div className={styles.cardHeader}>
        <h2 id="users-title" className={styles.cardTitle}>Users</h2>
        <span className={styles.muted}>Viewers see everything; admins also manage users and agent tokens.</span>
      </div>
      <form className={styles.form} onSubmit={submit} data-testid="user-create-form">
        <label className={styles.field}>
          Username
          <input name="username" autoComplete="off" required data-testid="user-create-username" />
        </label>
        <label className={styles.field}>
          Password (12+ characters)
          <input name="password" type="password" autoComplete="new-password" required data-testid="user-create-password" />
        </label>
        <label className={styles.field}>
          Role
          <select name="role" defaultValue="viewer" data-testid="user-create-role">
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={busy} data-testid="user-create-submit">
          Create user
        </button>
      </form>
      {error && (
        <p className={styles.error} role="alert" data-testid="users-error">
          {error}
        </p>
      )}
      {users.isError ? (
        <p className={styles.error} role="alert">Cannot list users: {describeError(users.error)}</p>
      ) : (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>Status</th>
              <th>Created</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {(users.data ?? []).map((user) => {
              const self = user.username === me;
              const other: Role = user.role === 'admin' ? 'viewer' : 'admin';
              const run = (call: () => Promise<unknown>) => () => {
                setFormError(null);
                action.mutate(call);
              };
              return (
                <tr key={user.id} data-testid={`user-row-${user.username}`}>
                  <td>
                    {user.username}
                    {self && <span className={styles.muted}> (you)</span>}
                  </td>
                  <td data-testid={`user-role-${user.username}`}>{user.role}</td>
                  <td>
                    {user.disabledAt === null ? (
                      <span className={`${styles.badge} ${styles.badgeOk}`}>active</span>
                    ) : (
                      <span className={`${styles.badge} ${styles.badgeOff}`} data-testid={`user-disabled-${user.username}`}>disabled</span>
                    )}
                  </td>
                  <td className={styles.muted}>{formatWhen(user.createdAt)}</td>
                  <td>
                    {self ? (
                      <span className={styles.muted}>another admin changes your account</span>
                    ) : (
                      <div className={styles.actions}>
                        <button type="button" className={styles.button} disabled={busy} data-testid={`user-set-role-${user.username}`}
                          onClick={run(() => api.users.setRole.mutate({ username: user.username, role: other }))}>
                          Make {other}
                        </button>
                        {user.disabledAt === null ? (
                          <button type="button" className={styles.button} disabled={busy} data-testid={`user-disable-${user.username}`}
                            onClick={run(() => api.users.disable.mutate({ username: user.username }))}>
                            Disable
                          </button>
                        ) : (
                          <button type="button" className={styles.button} disabled={busy} data-testid={`user-enable-${user.username}`}
                            onClick={run(() => api.users.enable.mutate({ username: user.username }))}>
                            Enable
                          </button>
                        )}
                        {confirming === user.username ? (
                          <button type="button" className={`${styles.button} ${styles.confirm}`} disabled={busy} data-testid={`user-delete-confirm-${user.username}`}
                            onClick={run(() => api.users.delete.mutate({ username: user.username }))}>
                            Delete {user.username} for good
                          </button>
                        ) : (
                          <button type="button" className={`${styles.button} ${styles.danger}`} disabled={busy} data-testid={`user-delete-${user.username}`}
                            onClick={() => setConfirming(user.username)}>
                            Delete
                          </button>
                        )}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
