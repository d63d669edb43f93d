// Types for broker.mjs, so TypeScript tests and benchmarks can import the plain-JS broker helper.

/** What broker.json holds for one broker. */
export interface BrokerInfo {
  /** `127.0.0.1:PORT`, ready for a client's bootstrap.servers. */
  bootstrap: string;
  port: number;
  controllerPort: number;
  clusterId: string;
  /** JVM pid; it leads its own process group. */
  pid: number;
  dataDir: string;
  logFile: string;
  propertiesFile: string;
  startedAt: string;
  /** With StartOptions.saslSsl: the SASL_SSL listener and the PEM certificate to trust for it. */
  saslSsl?: { bootstrap: string; port: number; caFile: string };
}

export interface BrokerHandle extends BrokerInfo {
  /** SIGTERM (SIGKILL after 15 s), then deletes the data dir. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** PLAINTEXT port; default: a free port chosen by the OS. */
  port?: number;
  /** Extra or overriding server.properties entries. */
  config?: Record<string, string | number | boolean>;
  /** Write broker.json (default true). */
  record?: boolean;
  /** Progress messages; default: stderr. */
  log?: (msg: string) => void;
  /** Also a SASL_SSL listener (self-signed certificate made at start) with these users for PLAIN and SCRAM. */
  saslSsl?: { users: { username: string; password: string }[]; port?: number };
}

export interface KafkaPaths {
  home: string;
  lib: string;
  /** `lib/*`, for `java -cp`. */
  classpath: string;
  runDir: string;
  stateFile: string;
}

export interface BrokerMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string | null; port: number }[];
}

export function kafkaPaths(): KafkaPaths;
export function ensureKafkaJars(opts?: { log?: (msg: string) => void }): Promise<string>;
export function startBroker(opts?: StartOptions): Promise<BrokerHandle>;
export function restartBroker(
  info?: BrokerInfo,
  opts?: { log?: (msg: string) => void; record?: boolean },
): Promise<BrokerHandle>;
export function killBroker(signal?: NodeJS.Signals, info?: BrokerInfo): Promise<void>;
export function stopBroker(info?: BrokerInfo): Promise<boolean>;
export function readBrokerState(): Promise<BrokerInfo | null>;
export function brokerStatus(info?: BrokerInfo): Promise<{ running: boolean; ready: boolean } & Partial<BrokerInfo>>;
export function apiVersions(
  bootstrap: string,
  opts?: { timeoutMs?: number },
): Promise<{ errorCode: number; apis: Map<number, { min: number; max: number }> }>;
export function brokerMetadata(bootstrap: string, opts?: { timeoutMs?: number }): Promise<BrokerMetadata>;
