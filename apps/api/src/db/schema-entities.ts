import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * What the series are about. Every entity carries when it was first and last seen; a pod's
 * identity is its UID, never its IP (IPs are reused), and the (ip, started_at) index answers
 * "which pod had 10.0.0.7 at 12:03".
 */

const seen = () => ({
  firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
  lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
});

export const clusters = pgTable('clusters', { name: text('name').primaryKey(), ...seen() });

export const nodes = pgTable(
  'nodes',
  { cluster: text('cluster').notNull(), name: text('name').notNull(), ...seen() },
  (t) => [primaryKey({ columns: [t.cluster, t.name] })],
);

export const agents = pgTable('agents', {
  id: text('id').primaryKey(),
  cluster: text('cluster').notNull(),
  hostname: text('hostname').notNull(),
  version: text('version').notNull(),
  ...seen(),
});

export const workloads = pgTable(
  'workloads',
  {
    cluster: text('cluster').notNull(),
    namespace: text('namespace').notNull(),
    /** Deployment, StatefulSet, DaemonSet, Job, CronJob or Service */
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    ...seen(),
  },
  (t) => [primaryKey({ columns: [t.cluster, t.namespace, t.kind, t.name] })],
);

export const pods = pgTable(
  'pods',
  {
    uid: text('uid').primaryKey(),
    cluster: text('cluster').notNull(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    workloadKind: text('workload_kind'),
    workloadName: text('workload_name'),
    /** the service traffic to this pod is attributed to */
    service: text('service'),
    nodeName: text('node_name').notNull(),
    ip: text('ip'),
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    ...seen(),
  },
  (t) => [
    index('pods_ip_started_idx').on(t.ip, t.startedAt),
    index('pods_namespace_name_idx').on(t.namespace, t.name),
  ],
);

export const processes = pgTable(
  'processes',
  {
    nodeName: text('node_name').notNull(),
    pid: integer('pid').notNull(),
    /** a pid is reused too: (node, pid, start time) is the identity */
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    comm: text('comm').notNull(),
    podUid: text('pod_uid'),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    ...seen(),
  },
  (t) => [primaryKey({ columns: [t.nodeName, t.pid, t.startedAt] }), index('processes_pod_idx').on(t.podUid)],
);

/** Collapsed routes a server answers, as endpoint_samples names them. */
export const endpoints = pgTable(
  'endpoints',
  {
    serverKind: text('server_kind').notNull(),
    serverName: text('server_name').notNull(),
    protocol: text('protocol').notNull(),
    method: text('method').notNull(),
    route: text('route').notNull(),
    ...seen(),
  },
  (t) => [primaryKey({ columns: [t.serverKind, t.serverName, t.protocol, t.method, t.route] })],
);

export const logTemplates = pgTable('log_templates', {
  /** hex hash of the template text, computed by the agent */
  id: text('id').primaryKey(),
  template: text('template').notNull(),
  ...seen(),
});

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const EXCEPTION_STATUSES = ['open', 'resolved'] as const;

/** The Insights inbox: something abnormal on an entity's metric, written by the root-cause engine. */
export const exceptions = pgTable(
  'exceptions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    entityKind: text('entity_kind').notNull(),
    entityId: text('entity_id').notNull(),
    metric: text('metric').notNull(),
    title: text('title').notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    status: text('status', { enum: EXCEPTION_STATUSES }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** share of the entity's traffic affected, 0..1 */
    impact: jsonb('impact').$type<{ share: number; requests?: number }>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('exceptions_status_started_idx').on(t.status, t.startedAt.desc(), t.id.desc()),
    index('exceptions_entity_idx').on(t.entityKind, t.entityId, t.startedAt.desc()),
    // One open exception per entity and metric, whichever API replica's Insights runner writes it.
    uniqueIndex('exceptions_open_entity_metric_idx').on(t.entityKind, t.entityId, t.metric).where(sql`status = 'open'`),
    check('exceptions_severity_check', sql`${t.severity} in ('info', 'warning', 'critical')`),
    check('exceptions_status_check', sql`${t.status} in ('open', 'resolved')`),
  ],
);

/** One root-cause report: the engine's whole JSON document plus the columns lists show. */
export const rcaReports = pgTable(
  'rca_reports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    exceptionId: integer('exception_id').references(() => exceptions.id, { onDelete: 'set null' }),
    windowFrom: timestamp('window_from', { withTimezone: true }).notNull(),
    windowTo: timestamp('window_to', { withTimezone: true }).notNull(),
    rootCause: text('root_cause').notNull(),
    confidence: jsonb('confidence').$type<number>().notNull(),
    summary: text('summary').notNull(),
    document: jsonb('document').$type<unknown>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('rca_reports_exception_idx').on(t.exceptionId), index('rca_reports_created_idx').on(t.createdAt.desc())],
);
