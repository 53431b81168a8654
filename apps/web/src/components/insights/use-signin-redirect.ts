'use client';
import { useEffect } from 'react';

/** True when a tRPC error says the session is missing or expired. */
export function isUnauthorized(error: unknown): boolean {
  return (error as { data?: { code?: string } } | null)?.data?.code === 'UNAUTHORIZED';
}

/** No session (never signed in, expired, signed out elsewhere): go to sign-in and come back here. */
export function useSignInRedirect(error: unknown): void {
  const unauthorized = isUnauthorized(error);
  useEffect(() => {
    if (unauthorized) window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }, [unauthorized]);
}

export function asSentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}
