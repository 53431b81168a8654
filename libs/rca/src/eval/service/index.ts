import { isNezha, nezhaCases } from './nezha.js';
import { isPetshop, petshopCases } from './petshop.js';
import { type EvalLine, type ServiceCase, defaultMethod, evaluateServiceCases, nsigmaMethod } from './run.js';
import { isSockshop, sockshopCases } from './sockshop.js';

export { type EvalLine, type ServiceAnswer, type ServiceCase, type ServiceMethod, defaultMethod, evaluateServiceCases, nsigmaMethod } from './run.js';

type CaseSource = (folder: string) => AsyncIterable<ServiceCase | { dataset: string; setting: string; case: string; error: string }>;

/** A service-level dataset layout: how to recognise a folder of it and read its cases. */
export interface ServiceDataset {
  name: string;
  recognises(folder: string): boolean;
  evaluate(folder: string): AsyncIterable<EvalLine>;
}

const dataset = (name: string, recognises: (folder: string) => boolean, cases: CaseSource): ServiceDataset => ({
  name,
  recognises,
  evaluate: (folder) => evaluateServiceCases(cases(folder), [defaultMethod, nsigmaMethod]),
});

/** sockshop-rcd, nezha, petshop — checked in this order (nezha before sockshop: both hold sub-folders). */
export const SERVICE_DATASETS: readonly ServiceDataset[] = [
  dataset('nezha', isNezha, nezhaCases),
  dataset('petshop', isPetshop, petshopCases),
  dataset('sockshop-rcd', isSockshop, sockshopCases),
];
