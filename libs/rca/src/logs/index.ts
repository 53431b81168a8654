export { DEFAULT_DRAIN_CONFIG, type DrainConfig, DrainMiner, type LogTemplate, type TemplateCount, WILDCARD, countTemplates, maskTokens } from './drain.js';
