import { describe, expect, it } from 'vitest';
import { normalizeSql } from './normalize.js';
import { sqlVerb } from './verb.js';

describe('normalizeSql', () => {
  const cases: Array<[string, string, 'mysql' | 'postgresql']> = [
    ["SELECT * FROM t WHERE id IN (1, 2, 3) AND name = 'x' -- hi", 'SELECT * FROM t WHERE id IN (?) AND name = ?', 'mysql'],
    ['select  a,\n\tb from t where x = 1.5e3 and y = .5;', 'select a, b from t where x = ? and y = ?', 'mysql'],
    ["UPDATE t SET s = 'it''s', h = 0xFF, b = X'0A', c = b'01' /* why */ WHERE ok = TRUE", 'UPDATE t SET s = ?, h = ?, b = ?, c = ? WHERE ok = ?', 'mysql'],
    ["SELECT 'a\\'b', \"dq\" FROM `tbl1` # comment", 'SELECT ?, ? FROM `tbl1`', 'mysql'],
    ['SELECT "Col1" FROM t WHERE a = $1 AND b = E\'x\\\'y\' AND c = $$body$$', 'SELECT "Col1" FROM t WHERE a = $1 AND b = ? AND c = ?', 'postgresql'],
    ["SELECT 'C:\\' , x FROM t", 'SELECT ? , x FROM t', 'postgresql'],
    ['DO $f$ BEGIN RAISE NOTICE $$x$$; END $f$', 'DO ?', 'postgresql'],
    ['SELECT /* a /* nested */ b */ 1', 'SELECT ?', 'postgresql'],
    ['SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE v = 2)', 'SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE v = ?)', 'mysql'],
    ['SELECT * FROM t WHERE id in (?, ?, ?) OR id IN ($1, $2) OR id IN (-1, +2)', 'SELECT * FROM t WHERE id in (?) OR id IN (?) OR id IN (?)', 'postgresql'],
    ['SELECT col1, t2.col_3 FROM t2 LIMIT 10 OFFSET 20', 'SELECT col1, t2.col_3 FROM t2 LIMIT ? OFFSET ?', 'mysql'],
    ["INSERT INTO t VALUES (1, 'a', NULL, false)", 'INSERT INTO t VALUES (?, ?, NULL, ?)', 'mysql'],
    ['  ;', '', 'mysql'],
  ];
  for (const [input, output, dialect] of cases) {
    it(`${dialect}: ${JSON.stringify(input)}`, () => expect(normalizeSql(input, dialect)).toBe(output));
  }

  it('gives statements that differ only in values the same text', () => {
    expect(normalizeSql("select * from users where id = 42 and name = 'bob'")).toBe(normalizeSql("select  *  from users where id = 7 and name = 'alice'"));
    expect(normalizeSql('SELECT a FROM t WHERE b IN (1,2)')).toBe(normalizeSql('SELECT a FROM t WHERE b IN (3, 4, 5, 6)'));
  });

  it('never throws on unterminated quotes and comments', () => {
    expect([normalizeSql("SELECT 'abc"), normalizeSql('SELECT /* x'), normalizeSql('SELECT "x'), normalizeSql('x IN (1,', 'postgresql')])
      .toEqual(['SELECT ?', 'SELECT', 'SELECT ?', 'x IN (?,']);
  });
});

describe('sqlVerb', () => {
  it('takes the first word, upper case', () => {
    expect([sqlVerb('  select 1'), sqlVerb('(SELECT 1) UNION (SELECT 2)'), sqlVerb(''), sqlVerb(null)]).toEqual(['SELECT', 'SELECT', null, null]);
  });
});
