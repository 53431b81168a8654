/**
 * Kafka API keys as Apache Kafka's message definitions (clients/src/main/resources/common/message)
 * list them: name, the first version using the flexible encoding (compact strings/arrays and
 * tagged fields; null = never), and the highest version we accept as plausible when looking for a
 * request start.
 */
interface ApiInfo {
  readonly name: string;
  readonly firstFlexible: number | null;
  readonly maxVersion: number;
}

const API = (name: string, firstFlexible: number | null, maxVersion: number): ApiInfo => ({ name, firstFlexible, maxVersion });

const APIS: ReadonlyArray<ApiInfo | undefined> = [
  API('Produce', 9, 13), API('Fetch', 12, 18), API('ListOffsets', 6, 10), API('Metadata', 9, 13),
  API('LeaderAndIsr', 4, 7), API('StopReplica', 2, 4), API('UpdateMetadata', 6, 8), API('ControlledShutdown', 3, 3),
  API('OffsetCommit', 8, 10), API('OffsetFetch', 6, 10), API('FindCoordinator', 3, 6), API('JoinGroup', 6, 9),
  API('Heartbeat', 4, 4), API('LeaveGroup', 4, 5), API('SyncGroup', 4, 5), API('DescribeGroups', 5, 6),
  API('ListGroups', 3, 5), API('SaslHandshake', null, 1), API('ApiVersions', 3, 4), API('CreateTopics', 5, 7),
  API('DeleteTopics', 4, 6), API('DeleteRecords', 2, 2), API('InitProducerId', 2, 6), API('OffsetForLeaderEpoch', 4, 4),
  API('AddPartitionsToTxn', 3, 5), API('AddOffsetsToTxn', 3, 4), API('EndTxn', 3, 5), API('WriteTxnMarkers', 1, 1),
  API('TxnOffsetCommit', 3, 5), API('DescribeAcls', 2, 3), API('CreateAcls', 2, 3), API('DeleteAcls', 2, 3),
  API('DescribeConfigs', 4, 4), API('AlterConfigs', 2, 2), API('AlterReplicaLogDirs', 2, 2), API('DescribeLogDirs', 2, 4),
  API('SaslAuthenticate', 2, 2), API('CreatePartitions', 2, 3), API('CreateDelegationToken', 2, 3),
  API('RenewDelegationToken', 2, 2), API('ExpireDelegationToken', 2, 2), API('DescribeDelegationToken', 2, 3),
  API('DeleteGroups', 2, 2), API('ElectLeaders', 2, 2), API('IncrementalAlterConfigs', 1, 1),
  API('AlterPartitionReassignments', 0, 1), API('ListPartitionReassignments', 0, 0), API('OffsetDelete', null, 0),
  API('DescribeClientQuotas', 1, 1), API('AlterClientQuotas', 1, 1), API('DescribeUserScramCredentials', 0, 0),
  API('AlterUserScramCredentials', 0, 0), API('Vote', 0, 2), API('BeginQuorumEpoch', 1, 1), API('EndQuorumEpoch', 1, 1),
  API('DescribeQuorum', 0, 2), API('AlterPartition', 0, 3), API('UpdateFeatures', 0, 2), API('Envelope', 0, 0),
  API('FetchSnapshot', 0, 1), API('DescribeCluster', 0, 2), API('DescribeProducers', 0, 0), API('BrokerRegistration', 0, 4),
  API('BrokerHeartbeat', 0, 1), API('UnregisterBroker', 0, 0), API('DescribeTransactions', 0, 0),
  API('ListTransactions', 0, 2), API('AllocateProducerIds', 0, 0), API('ConsumerGroupHeartbeat', 0, 1),
  API('ConsumerGroupDescribe', 0, 1), API('ControllerRegistration', 0, 0), API('GetTelemetrySubscriptions', 0, 0),
  API('PushTelemetry', 0, 0), API('AssignReplicasToDirs', 0, 0), API('ListClientMetricsResources', 0, 0),
  API('DescribeTopicPartitions', 0, 0), API('ShareGroupHeartbeat', 0, 1), API('ShareGroupDescribe', 0, 1),
  API('ShareFetch', 0, 1), API('ShareAcknowledge', 0, 1), API('AddRaftVoter', 0, 0), API('RemoveRaftVoter', 0, 0),
  API('UpdateRaftVoter', 0, 0), API('InitializeShareGroupState', 0, 0), API('ReadShareGroupState', 0, 0),
  API('WriteShareGroupState', 0, 0), API('DeleteShareGroupState', 0, 0), API('ReadShareGroupStateSummary', 0, 0),
];

export const API_KEY = {
  Produce: 0, Fetch: 1, Metadata: 3, OffsetCommit: 8, FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, ApiVersions: 18,
  ControlledShutdown: 7,
} as const;

export function apiInfo(apiKey: number): ApiInfo | undefined {
  return APIS[apiKey];
}

export function apiName(apiKey: number): string {
  return APIS[apiKey]?.name ?? `ApiKey${apiKey}`;
}

/** Whether (apiKey, apiVersion) uses the flexible encoding; unknown keys are read as not flexible. */
export function isFlexible(apiKey: number, apiVersion: number): boolean {
  const first = APIS[apiKey]?.firstFlexible;
  return first !== undefined && first !== null && apiVersion >= first;
}

/** A request header a real client could send: a known key with a version it defines. */
export function isPlausibleRequest(apiKey: number, apiVersion: number): boolean {
  const info = APIS[apiKey];
  return info !== undefined && apiVersion >= 0 && apiVersion <= info.maxVersion;
}
