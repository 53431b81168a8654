/** First word of the SQL text, upper case (`SELECT`, `INSERT` …): the verb metrics group by. */
export function sqlVerb(sql: string | null): string | null {
  if (sql === null) return null;
  let i = 0;
  while (i < sql.length && (sql.charCodeAt(i) <= 0x20 || sql[i] === '(')) i++;
  let j = i;
  while (j < sql.length && /[A-Za-z]/.test(sql[j] ?? '')) j++;
  return j > i ? sql.slice(i, j).toUpperCase() : null;
}
