import { describe, expect, it } from 'vitest';
import { kubernetesOf, readEnv } from './env.js';

describe('agent environment', () => {
  it('watches Kubernetes in a pod or with a kubeconfig, and never when switched off', () => {
    expect(kubernetesOf(readEnv({}))).toBeNull();
    expect(kubernetesOf(readEnv({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }))).toEqual({ kubeconfig: undefined });
    expect(kubernetesOf(readEnv({ KINSIGHT_KUBECONFIG: '/etc/kinsight/kubeconfig' }))).toEqual({ kubeconfig: '/etc/kinsight/kubeconfig' });
    expect(kubernetesOf(readEnv({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KINSIGHT_KUBERNETES: 'off' }))).toBeNull();
    expect(kubernetesOf(readEnv({ KINSIGHT_KUBERNETES: 'on' }))).toEqual({ kubeconfig: undefined });
  });

  it('names the variable it refuses', () => {
    expect(() => readEnv({ KINSIGHT_KUBERNETES: 'maybe' })).toThrow(/KINSIGHT_KUBERNETES/);
    expect(() => readEnv({ KINSIGHT_NODE_NAME: 'node a' })).toThrow(/KINSIGHT_NODE_NAME must be a node name/);
  });
});
