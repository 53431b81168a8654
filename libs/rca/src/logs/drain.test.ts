import { describe, expect, it } from 'vitest';
import { DrainMiner, countTemplates, maskTokens } from './drain.js';

describe('Drain template mining', () => {
  it('masks numbers, ids and addresses', () => {
    expect(maskTokens('conn 10.0.0.7:5432 reset after 30ms id=7 trace 4bf92f3577b34da6a3ce929d0e0e4736')).toEqual(
      ['conn', '<*>', 'reset', 'after', '<*>', 'id=7', 'trace', '<*>'],
    );
  });

  it('groups lines into templates and generalises differing tokens', () => {
    const lines = [
      'user alice failed to login',
      'user bob failed to login',
      'payment 12 declined for order 991',
      'user carol failed to login',
      'payment 13 declined for order 992',
      'connection refused',
    ];
    expect(countTemplates(lines)).toEqual([
      { template: 'user <*> failed to login', count: 3, example: 'user alice failed to login' },
      { template: 'payment <*> declined for order <*>', count: 2, example: 'payment 12 declined for order 991' },
      { template: 'connection refused', count: 1, example: 'connection refused' },
    ]);
  });

  it('keeps template shapes across windows with a long-lived miner, counting per window', () => {
    const miner = new DrainMiner();
    countTemplates(['GET /a took 5 ms', 'GET /a took 9 ms'], miner);
    expect(countTemplates(['GET /a took 7 ms'], miner)).toEqual([{ template: 'GET /a took <*> ms', count: 1, example: 'GET /a took 5 ms' }]);
    expect(miner.templates().map((t) => [t.id, t.count])).toEqual([[1, 3]]);
  });

  it('bounds the number of templates', () => {
    const miner = new DrainMiner({ maxTemplates: 2 });
    for (const l of ['alpha beta', 'gamma delta', 'epsilon zeta', 'eta theta']) miner.add(l);
    expect(miner.templates()).toHaveLength(2);
    expect(miner.templates().reduce((s, t) => s + t.count, 0)).toBe(4);
  });
});
