export { normalizeSql, type SqlDialect } from './normalize.js';
export { sqlVerb } from './verb.js';
