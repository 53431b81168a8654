import { describe, expect, it } from 'vitest';
import { describeError, errorCode, formatWhen, newUserProblem, tokenNameProblem } from './admin-format.js';

describe('describeError', () => {
  it('lists zod issues by field, else the API message, else a fallback', () => {
    const zod = { message: 'invalid input', data: { code: 'BAD_REQUEST', issues: [{ path: 'password', message: 'must be at least 12 characters' }] } };
    expect(describeError(zod)).toBe('password: must be at least 12 characters');
    expect(describeError({ message: 'user alice already exists', data: { code: 'CONFLICT', issues: null } })).toBe('user alice already exists');
    expect(describeError(new Error(''))).toBe('the request failed; try again');
    expect(describeError(null)).toBe('the request failed; try again');
  });

  it('reads the tRPC code', () => {
    expect(errorCode({ data: { code: 'FORBIDDEN' } })).toBe('FORBIDDEN');
    expect(errorCode(new Error('x'))).toBeNull();
  });
});

describe('form checks', () => {
  it('asks for a username the API accepts and a 12-character password', () => {
    expect(newUserProblem('alice', 'correct horse battery')).toBeNull();
    expect(newUserProblem('Alice', 'correct horse battery')).toBe('username: 1–64 characters of a-z 0-9 . _ -');
    expect(newUserProblem('alice', 'short')).toBe('password: at least 12 characters');
  });

  it('asks for a token name of 1–64 characters', () => {
    expect(tokenNameProblem('node-a')).toBeNull();
    expect(tokenNameProblem('  ')).toBe('name: say which agent or script will use it');
    expect(tokenNameProblem('x'.repeat(65))).toBe('name: at most 64 characters');
  });
});

describe('formatWhen', () => {
  it('prints day, month, year and time', () => {
    expect(formatWhen(Date.UTC(2026, 10, 25, 14, 5), 'UTC')).toBe('25 Nov 2026, 14:05');
  });
});
