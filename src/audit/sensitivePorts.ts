/**
 * The services an audit calls sensitive: remote administration, container and cluster control planes,
 * databases, caches, message brokers and search engines — services that should never face the whole
 * internet, because reaching them is one password (or none) away from the data or the machine.
 *
 * Self-contained on purpose (no import from check/), so that it can be merged with the checker's list
 * (FW407) into one module later without changing either's behaviour. Sorted by name; each entry says
 * why it is here. Ports are the IANA or upstream defaults.
 */
import type { Protocol } from '../model/index.js';

export interface SensitivePort {
  /** Short name used in finding keys and messages (`ssh`, `etcd`). */
  readonly name: string;
  readonly protocol: Exclude<Protocol, 'icmp'>;
  readonly from: number;
  readonly to: number;
  /** Why exposure matters, for the finding's text. */
  readonly why: string;
}

const p = (name: string, protocol: 'tcp' | 'udp', from: number, to: number, why: string): SensitivePort => ({ name, protocol, from, to, why });

export const SENSITIVE_PORTS: readonly SensitivePort[] = [
  p('cassandra', 'tcp', 9042, 9042, 'Cassandra CQL; often run without authentication'),
  p('couchdb', 'tcp', 5984, 5984, 'CouchDB HTTP API, full database access'),
  p('docker', 'tcp', 2375, 2376, 'the Docker daemon API: whoever reaches it is root on the host'),
  p('elasticsearch', 'tcp', 9200, 9200, 'Elasticsearch HTTP API; frequently without authentication'),
  p('elasticsearch-transport', 'tcp', 9300, 9300, 'Elasticsearch node-to-node transport'),
  p('etcd', 'tcp', 2379, 2380, 'etcd client and peer API: a Kubernetes cluster\'s whole state and secrets'),
  p('ftp', 'tcp', 21, 21, 'FTP sends credentials in clear text'),
  p('kafka', 'tcp', 9092, 9092, 'Kafka broker; plaintext and unauthenticated by default'),
  p('kubelet', 'tcp', 10250, 10250, 'the kubelet API: runs commands in any pod on the node'),
  p('kubelet-read-only', 'tcp', 10255, 10255, 'the kubelet read-only API: pod specs and environment'),
  p('kubernetes-api', 'tcp', 6443, 6443, 'the Kubernetes API server'),
  p('memcached', 'tcp', 11211, 11211, 'memcached: no authentication'),
  p('memcached-udp', 'udp', 11211, 11211, 'memcached over UDP: no authentication, a DDoS amplifier'),
  p('mongodb', 'tcp', 27017, 27019, 'MongoDB'),
  p('mssql', 'tcp', 1433, 1433, 'Microsoft SQL Server'),
  p('mysql', 'tcp', 3306, 3306, 'MySQL and MariaDB'),
  p('nfs', 'tcp', 2049, 2049, 'NFS file shares'),
  p('postgres', 'tcp', 5432, 5432, 'PostgreSQL'),
  p('rabbitmq', 'tcp', 5672, 5672, 'RabbitMQ AMQP'),
  p('rdp', 'tcp', 3389, 3389, 'Remote Desktop: a constant target of password guessing'),
  p('redis', 'tcp', 6379, 6379, 'Redis: often no password, and able to write files'),
  p('rpcbind', 'tcp', 111, 111, 'the portmapper: maps the way into NFS and other RPC services'),
  p('smb', 'tcp', 445, 445, 'Windows file sharing (SMB)'),
  p('snmp', 'udp', 161, 161, 'SNMP: community strings in clear text, a DDoS amplifier'),
  p('ssh', 'tcp', 22, 22, 'remote shell access: a constant target of password guessing'),
  p('telnet', 'tcp', 23, 23, 'telnet: remote shell in clear text'),
  p('vnc', 'tcp', 5900, 5900, 'VNC remote desktop'),
  p('zookeeper', 'tcp', 2181, 2181, 'ZooKeeper: cluster coordination data'),
];

/** How a sensitive port reads in messages: `ssh (tcp 22)`, `docker (tcp 2375-2376)`. */
export function describePort(s: SensitivePort): string {
  return `${s.name} (${s.protocol} ${s.from === s.to ? s.from : `${s.from}-${s.to}`})`;
}

/** Kubernetes' default NodePort range: every Service of type NodePort listens here on every node. */
export const NODE_PORTS = { from: 30000, to: 32767 } as const;
