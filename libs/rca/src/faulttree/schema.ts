import { z } from 'zod';

/** Classes a report can name. The tree decides which one; the evaluator never invents one. */
export const FAULT_CLASSES = [
  'network',
  'downstream_dependency',
  'resource_cpu',
  'resource_memory',
  'code_error',
  'slow_database',
  'traffic_surge',
  'unknown',
] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

export const COMPARISON_OPS = ['>', '>=', '<', '<=', '=='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

export interface Comparison {
  evidence: string;
  op: ComparisonOp;
  threshold: number;
}
export type Condition = Comparison | { all: Condition[] } | { any: Condition[] };

const comparisonSchema = z.strictObject({
  evidence: z.string().min(1),
  op: z.enum(COMPARISON_OPS),
  threshold: z.number().refine(Number.isFinite, 'threshold must be a finite number'),
});

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([comparisonSchema, z.strictObject({ all: z.array(conditionSchema) }), z.strictObject({ any: z.array(conditionSchema) })]),
);

export const faultTreeNodeSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  condition: conditionSchema,
  /** `{name}` placeholders read labels first, then evidence values */
  message: z.string().min(1),
  children: z.array(z.string().min(1)).default([]),
  /** the class this node stands for when the walk stops here */
  class: z.enum(FAULT_CLASSES).optional(),
});
export type FaultTreeNode = z.infer<typeof faultTreeNodeSchema>;

export const faultTreeSchema = z.strictObject({
  id: z.string().min(1),
  version: z.literal(1),
  root: z.string().min(1),
  /**
   * first: the first passing child (in order) is followed — plain fault-tree reading.
   * strongest: among passing children the one whose evidence clears its threshold by the largest
   * factor — lets sibling classes (CPU vs memory) compete when both leave a trace.
   */
  choose: z.enum(['first', 'strongest']).default('first'),
  nodes: z.array(faultTreeNodeSchema).min(1),
});
export type FaultTreeDocument = z.infer<typeof faultTreeSchema>;
