import {
  CoreV1Api,
  type Informer,
  KubeConfig,
  type KubernetesListObject,
  makeInformer,
  type ObjectCache,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KubeIndex } from './index-model.js';

/**
 * Keeps a KubeIndex current from the kube-apiserver: list then watch pods and services in every namespace
 * (the other end of a connection may live on any node). client-node's informer relists after a 410 and
 * re-watches when idle; when it stops on an error we restart it with capped backoff, so a flapping apiserver
 * never takes the agent down and never leaves it watching nothing.
 */

export interface KubeWatchOptions {
  /** a kubeconfig file; without it, the in-cluster service account (or $KUBECONFIG / ~/.kube/config) */
  kubeconfig?: string | undefined;
  log: Logger;
  /** first restart delay after an error; doubles to maxBackoffMs */
  backoffMs?: number;
  maxBackoffMs?: number;
}

type Watched<T extends V1Pod | V1Service> = Informer<T> & ObjectCache<T>;

export function loadKubeConfig(kubeconfig: string | undefined): KubeConfig {
  const config = new KubeConfig();
  if (kubeconfig) config.loadFromFile(kubeconfig);
  else config.loadFromDefault();
  if (!config.getCurrentCluster()) throw new Error('kubernetes: no cluster in the kubeconfig (set KINSIGHT_KUBECONFIG or run in a pod)');
  return config;
}

export class KubeWatch {
  readonly index = new KubeIndex();
  private readonly informers: Array<{ stop(): Promise<void> }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private restarts = 0;

  constructor(private readonly options: KubeWatchOptions) {}

  get restartCount(): number {
    return this.restarts;
  }

  /**
   * Resolves once pods and services have been listed once; rejects naming the list that failed. Either way the
   * informers keep retrying in the background, so a caller may log the rejection and carry on.
   */
  async start(): Promise<void> {
    const config = loadKubeConfig(this.options.kubeconfig);
    const api = config.makeApiClient(CoreV1Api);
    const pods = this.watched<V1Pod>('pods', config, '/api/v1/pods', () => api.listPodForAllNamespaces());
    const services = this.watched<V1Service>('services', config, '/api/v1/services', () => api.listServiceForAllNamespaces());
    for (const verb of ['add', 'update'] as const) {
      pods.informer.on(verb, (pod) => this.index.upsertPod(pod));
      services.informer.on(verb, (service) => this.index.upsertService(service));
    }
    pods.informer.on('delete', (pod) => this.index.deletePod(pod));
    services.informer.on('delete', (service) => this.index.deleteService(service));
    await Promise.all([pods.firstList(), services.firstList()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.informers.map((informer) => informer.stop().catch(() => undefined)));
  }

  private watched<T extends V1Pod | V1Service>(
    what: string,
    config: KubeConfig,
    path: string,
    list: () => Promise<KubernetesListObject<T>>,
  ): { informer: Watched<T>; firstList: () => Promise<void> } {
    const base = this.options.backoffMs ?? 1_000;
    const max = this.options.maxBackoffMs ?? 30_000;
    let delay = base;
    let listed = false;
    let firstError: unknown = null;
    const informer = makeInformer<T>(config, path, async () => {
      const result = await list();
      listed = true;
      delay = base;
      return result;
    });
    this.informers.push(informer);
    informer.on('error', (error: unknown) => {
      if (!listed && firstError === null) firstError = error;
      if (this.stopped) return;
      this.options.log.warn({ resource: what, reason: describe(error), retryInMs: delay }, 'kubernetes watch failed; retrying');
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.stopped) return;
        this.restarts += 1;
        // A failed restart reports through 'error' again, which schedules the next attempt.
        informer.start().catch(() => undefined);
      }, delay);
      this.timers.add(timer);
      delay = Math.min(delay * 2, max);
    });
    const firstList = async () => {
      // client-node reports a failed list through 'error' and resolves start() anyway.
      await informer.start().catch((error: unknown) => {
        firstError ??= error;
      });
      if (!listed) throw new Error(`kubernetes: list ${what}: ${describe(firstError)}`);
    };
    return { informer, firstList };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error) return `code ${String((error as { code: unknown }).code)}`;
  return String(error);
}
