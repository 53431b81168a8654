import { describe, expect, it } from 'vitest';
import { classifyCall, statusClassesOf, statusClassOf } from './status-classes.js';

const classes = (protocol: string, statuses: (string | null)[]) => statuses.map((status) => statusClassOf(protocol, status));

describe('statusClassOf', () => {
  it('classes HTTP statuses by their first digit and anything else as other', () => {
    expect(classes('http1', ['101', '200', '304', '404', '503', null, '600', 'abc'])).toEqual(['1xx', '2xx', '3xx', '4xx', '5xx', 'other', 'other', 'other']);
    expect(classes('http2', ['204', '429'])).toEqual(['2xx', '4xx']);
  });

  it('classes gRPC codes as google.rpc.Code maps them to HTTP', () => {
    // OK, CANCELLED (499), UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, RESOURCE_EXHAUSTED (429), UNAVAILABLE, UNAUTHENTICATED, unassigned
    expect(classes('grpc', ['0', '1', '2', '3', '4', '5', '8', '14', '16', '17'])).toEqual([
      'ok', 'client_error', 'server_error', 'client_error', 'server_error', 'client_error', 'client_error', 'server_error', 'client_error', 'other',
    ]);
  });

  it('classes SQLSTATEs by class: the statement’s fault or the server’s', () => {
    // success, no data, unique violation, syntax error, serialization failure, deadlock, disk full, admin shutdown, internal error
    expect(classes('pgsql', ['00000', '02000', '23505', '42601', '40001', '40P01', '53100', '57P01', 'XX000', 'bad'])).toEqual([
      'ok', 'ok', 'client_error', 'client_error', 'server_error', 'server_error', 'server_error', 'server_error', 'server_error', 'other',
    ]);
  });

  it('classes MySQL error numbers: duplicates and syntax are the client’s, connections and deadlocks the server’s', () => {
    expect(classes('mysql', ['OK', '1062', '1064', '1146', '1040', '1213', '1205', 'ERR'])).toEqual([
      'ok', 'client_error', 'client_error', 'client_error', 'server_error', 'server_error', 'server_error', 'other',
    ]);
  });

  it('classes DNS rcodes: NXDOMAIN is the asker’s, SERVFAIL the server’s', () => {
    expect(classes('dns', ['NOERROR', 'NXDOMAIN', 'FORMERR', 'REFUSED', 'SERVFAIL', 'NOTIMP', 'RCODE12', null])).toEqual([
      'ok', 'client_error', 'client_error', 'client_error', 'server_error', 'server_error', 'client_error', 'other',
    ]);
  });

  it('classes Redis error replies by their first word', () => {
    expect(classes('redis', ['OK', 'ERR', 'WRONGTYPE', 'NOAUTH', 'MOVED', 'OOM', 'LOADING', 'READONLY', 'BUSY Redis is busy', '-weird'])).toEqual([
      'ok', 'client_error', 'client_error', 'client_error', 'client_error', 'server_error', 'server_error', 'server_error', 'server_error', 'other',
    ]);
  });

  it('classes Kafka error codes: broker trouble is the server’s, the rest the client’s', () => {
    // NONE, UNKNOWN_SERVER_ERROR, OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, TOPIC_AUTHORIZATION_FAILED, NOT_ENOUGH_REPLICAS
    expect(classes('kafka', ['0', '-1', '1', '3', '6', '7', '29', '19'])).toEqual([
      'ok', 'server_error', 'client_error', 'client_error', 'server_error', 'server_error', 'client_error', 'server_error',
    ]);
  });

  it('says which classes each protocol may send', () => {
    expect(statusClassesOf('http1')).toEqual(['1xx', '2xx', '3xx', '4xx', '5xx', 'other']);
    expect(statusClassesOf('redis')).toEqual(['ok', 'client_error', 'server_error', 'other']);
  });
});

describe('classifyCall', () => {
  it('counts server failures and unanswered calls as errors, client errors never', () => {
    expect([
      classifyCall('redis', 'WRONGTYPE', true),
      classifyCall('redis', 'OOM', true),
      classifyCall('pgsql', '23505', true),
      classifyCall('dns', 'NXDOMAIN', false),
      classifyCall('kafka', null, true),
      classifyCall('http2', '200', true), // a stream reset after the headers
      classifyCall('http1', '404', false),
      classifyCall('grpc', '0', false),
    ]).toEqual([
      { statusClass: 'client_error', error: false },
      { statusClass: 'server_error', error: true },
      { statusClass: 'client_error', error: false },
      { statusClass: 'client_error', error: false },
      { statusClass: 'other', error: true },
      { statusClass: '2xx', error: true },
      { statusClass: '4xx', error: false },
      { statusClass: 'ok', error: false },
    ]);
  });
});
