// Local single-node Apache Kafka (KRaft) broker for development and tests: jars from Maven Central, detached JVM, CLI + module.
//
// Plain dependency-free ESM so it runs before (or without) a TypeScript build.
//
//   node scripts/kafka/broker.mjs start [--port N]   start a broker, print its bootstrap address on stdout
//   node scripts/kafka/broker.mjs stop               stop it and delete its data
//   node scripts/kafka/broker.mjs status             exit 0 if running (prints bootstrap), 3 if not
//   node scripts/kafka/broker.mjs restart            stop the JVM and start it again on the same port + data
//   node scripts/kafka/broker.mjs fetch              only download the jars (e.g. to warm a CI cache)
//   node scripts/kafka/broker.mjs classpath          print the java -cp value (for kafka-tools such as ProducerPerformance)
//
// Everything lives under <repo>/.cache/kafka/ (or $RETAIL_DATAGEN_KAFKA_HOME):
//   lib/            runtime jars, with lib/.complete holding the hash of pom.xml they were fetched for
//   run/<id>/       one data dir per started broker: server.properties, broker.log, kraft/ (log.dirs)
//   broker.json     the broker that `start` (or startBroker) launched last: { bootstrap, pid, dataDir, logFile, ... }

import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(SCRIPT_DIR, '..', '..');
const POM_FILE = path.join(SCRIPT_DIR, 'pom.xml');
const LOG4J_CONFIG = path.join(SCRIPT_DIR, 'log4j2.properties');

const HOST = '127.0.0.1';
const BROKER_MAIN = 'kafka.Kafka';
// Kafka 4.4 still keeps the storage tool in the Scala core jar under this name.
const STORAGE_TOOL_MAIN = 'kafka.tools.StorageTool';

const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 15_000;
const LOG_TAIL_LINES = 40;

// Small fixed heap and the serial collector: the machines this runs on have 2 cores, and the
// broker shares them with the generator under test. Appending RETAIL_DATAGEN_KAFKA_JVM_OPTS lets
// a benchmark raise the heap (HotSpot takes the last -Xmx it sees).
const BROKER_JVM_OPTS = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:+ExitOnOutOfMemoryError'];
// The storage tool runs for ~1 s: C1 only starts it faster and it needs little memory.
const TOOL_JVM_OPTS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/** Where the jars, data dirs and broker.json live. Read lazily so callers may set the env var first. */
export function kafkaPaths() {
  const home = path.resolve(process.env.RETAIL_DATAGEN_KAFKA_HOME || path.join(REPO_ROOT, '.cache', 'kafka'));
  const lib = path.join(home, 'lib');
  return {
    home,
    lib,
    // The JVM expands a trailing `*` itself, so this works without a shell.
    classpath: path.join(lib, '*'),
    runDir: path.join(home, 'run'),
    stateFile: path.join(home, 'broker.json'),
  };
}

// ---------------------------------------------------------------------------------------------
// Jars

/**
 * Makes sure lib/ holds the runtime jars for the current pom.xml, fetching them with Maven once.
 * The marker is written only after a complete copy, and the copy goes to a temp dir that is renamed
 * into place, so an interrupted fetch never leaves a half-filled lib/ that looks complete.
 */
export async function ensureKafkaJars({ log = defaultLog } = {}) {
  const { home, lib } = kafkaPaths();
  const pomHash = sha256(await fsp.readFile(POM_FILE));
  const marker = path.join(lib, '.complete');
  if ((await readTextOrNull(marker)) === pomHash) return lib;

  await fsp.mkdir(home, { recursive: true });
  const tmp = path.join(home, `lib.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  log('fetching Apache Kafka from Maven Central...');
  try {
    await runTool(mavenBin(), [
      '-B',
      '-q',
      '-f',
      POM_FILE,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${tmp}`,
      '-DincludeScope=runtime',
    ]);
    await fsp.writeFile(path.join(tmp, '.complete'), pomHash);
    await fsp.rm(lib, { recursive: true, force: true });
    try {
      await fsp.rename(tmp, lib);
    } catch (err) {
      // Another process finished the same fetch between our rm and rename: theirs is as good.
      if ((await readTextOrNull(marker)) !== pomHash) throw err;
    }
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return lib;
}

// ---------------------------------------------------------------------------------------------
// Start / stop / restart

/**
 * Formats a fresh data dir and starts a broker on it, resolving once it serves metadata.
 * @param {{ port?: number, config?: Record<string, string|number|boolean>, record?: boolean, log?: (msg: string) => void,
 *   saslSsl?: { users: { username: string, password: string }[], port?: number } }} [opts]
 *   port: PLAINTEXT port (default: a free one); config: extra server.properties entries;
 *   record: write broker.json (default true); saslSsl: also listen for SASL_SSL on another port, with a throwaway
 *   self-signed certificate (made with the JDK's keytool in the data dir) and these users for PLAIN, SCRAM-SHA-256
 *   and SCRAM-SHA-512 (on saslSsl.port, default a free one); the result's saslSsl then holds { bootstrap, port, caFile }.
 */
export async function startBroker(opts = {}) {
  const { log = defaultLog, record = true } = opts;
  const paths = kafkaPaths();
  await ensureKafkaJars({ log });

  const [port, controllerPort] = await pickPorts(opts.port);
  const dataDir = path.join(paths.runDir, `${port}-${Date.now().toString(36)}`);
  await fsp.mkdir(dataDir, { recursive: true });
  let saslSsl;
  if (opts.saslSsl) {
    const [saslPort] = opts.saslSsl.port ? [Number(opts.saslSsl.port)] : await freePorts(1, [port, controllerPort]);
    saslSsl = { bootstrap: `${HOST}:${saslPort}`, port: saslPort, caFile: path.join(dataDir, 'tls', 'ca.pem') };
  }
  const info = {
    bootstrap: `${HOST}:${port}`,
    port,
    controllerPort,
    clusterId: randomClusterId(),
    pid: 0,
    dataDir,
    logFile: path.join(dataDir, 'broker.log'),
    propertiesFile: path.join(dataDir, 'server.properties'),
    startedAt: '',
    ...(saslSsl ? { saslSsl } : {}),
  };
  try {
    let extra = opts.config;
    if (opts.saslSsl) extra = { ...(await saslSslProperties(info, opts.saslSsl.users)), ...extra };
    await fsp.writeFile(info.propertiesFile, serverProperties(info, extra));
    await formatStorage(info, opts.saslSsl?.users ?? []);
  } catch (err) {
    // The error carries the tool's output; an unformatted dir is of no further use.
    await fsp.rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return launchAndWait(info, { log, record });
}

/**
 * Starts a broker that was stopped with killBroker() again, on the same ports and data dir and
 * without reformatting, so topics and offsets survive (used to test reconnect behaviour).
 * @param {object} [info] what startBroker() returned or broker.json holds (default: broker.json)
 */
export async function restartBroker(info, { log = defaultLog, record = true } = {}) {
  const state = toState(info ?? (await readBrokerState()));
  if (!state) throw new Error('restartBroker: no broker info given and no broker.json');
  if (isAlive(state.pid)) throw new Error(`restartBroker: broker pid ${state.pid} is still running`);
  if (!fs.existsSync(state.propertiesFile)) throw new Error(`restartBroker: ${state.propertiesFile} is gone`);
  await ensureKafkaJars({ log });
  for (const p of [state.port, state.controllerPort, ...(state.saslSsl ? [state.saslSsl.port] : [])]) {
    // Allow a moment for the kernel to release the old JVM's listeners.
    const deadline = Date.now() + 5000;
    while (!(await isPortFree(p))) {
      if (Date.now() > deadline) throw new Error(`restartBroker: port ${p} is now taken by another process`);
      await sleep(200);
    }
  }
  return launchAndWait({ ...state, pid: 0 }, { log, record });
}

/**
 * Sends `signal` to the broker's process group. For terminating signals it waits until the JVM is
 * gone (escalating to SIGKILL after 15 s); SIGSTOP/SIGCONT return at once. Keeps the data dir and
 * broker.json so restartBroker() can bring the same broker back.
 * @param {NodeJS.Signals} [signal] default SIGKILL (a crash); SIGTERM is a clean shutdown
 * @param {object} [info] default: broker.json
 */
export async function killBroker(signal = 'SIGKILL', info) {
  const state = toState(info ?? (await readBrokerState()));
  if (!state || !isAlive(state.pid)) return;
  signalGroup(state.pid, signal);
  if (signal === 'SIGSTOP' || signal === 'SIGTSTP' || signal === 'SIGCONT') return;
  if (!(await waitForExit(state.pid, STOP_GRACE_MS))) {
    signalGroup(state.pid, 'SIGKILL');
    await waitForExit(state.pid, STOP_GRACE_MS);
  }
}

/**
 * Stops a broker (SIGTERM, SIGKILL after 15 s) and deletes its data dir, and broker.json if that
 * describes this broker. Returns false when there was nothing to stop.
 * @param {object} [info] default: broker.json
 */
export async function stopBroker(info) {
  const state = toState(info ?? (await readBrokerState()));
  if (!state) return false;
  // A stopped (SIGSTOP) JVM ignores SIGTERM until continued.
  if (isAlive(state.pid)) signalGroup(state.pid, 'SIGCONT');
  await killBroker('SIGTERM', state);
  await removeDataDir(state.dataDir);
  const recorded = await readBrokerState();
  if (recorded && recorded.dataDir === state.dataDir) await fsp.rm(kafkaPaths().stateFile, { force: true });
  return true;
}

/** broker.json as an object, or null when no broker was recorded. */
export async function readBrokerState() {
  const text = await readTextOrNull(kafkaPaths().stateFile);
  return text ? JSON.parse(text) : null;
}

/** Whether the broker in `info` (default: broker.json) has a live JVM and answers with its own cluster id. */
export async function brokerStatus(info) {
  const state = toState(info ?? (await readBrokerState()));
  if (!state) return { running: false, ready: false };
  const running = isAlive(state.pid);
  const ready = running && (await probeReady(state));
  return { running, ready, ...state };
}

async function launchAndWait(info, { log, record }) {
  const { classpath } = kafkaPaths();
  const extraOpts = (process.env.RETAIL_DATAGEN_KAFKA_JVM_OPTS ?? '').split(/\s+/).filter(Boolean);
  const args = [
    ...BROKER_JVM_OPTS,
    ...extraOpts,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    '-cp',
    classpath,
    BROKER_MAIN,
    info.propertiesFile,
  ];
  const started = Date.now();
  // Append, so a restarted broker's log follows the previous run's.
  const out = fs.openSync(info.logFile, 'a');
  let child;
  try {
    // detached: own session + process group, so a Ctrl-C in the terminal that ran `start` (or the
    // test runner exiting) does not take the broker down, and we can signal the whole group.
    child = spawn(javaBin(), args, { cwd: info.dataDir, detached: true, stdio: ['ignore', out, out] });
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (err) {
    throw new Error(`could not run java (${err.message}); the Kafka 4 broker needs Java 17+ on PATH or in JAVA_HOME`);
  } finally {
    fs.closeSync(out);
  }
  child.unref();

  let exited = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });
  const state = { ...info, pid: child.pid, startedAt: new Date().toISOString() };

  const deadline = started + READY_TIMEOUT_MS;
  while (!(await probeReady(state))) {
    if (exited || Date.now() > deadline) {
      const why = exited
        ? `exited (code ${exited.code}, signal ${exited.signal})`
        : `was not ready after ${READY_TIMEOUT_MS / 1000} s`;
      if (!exited) await killBroker('SIGKILL', state);
      const tail = await logTail(state.logFile);
      throw new Error(
        `Kafka broker on ${state.bootstrap} ${why}; data dir kept at ${state.dataDir}\n` +
          `--- last ${LOG_TAIL_LINES} lines of ${state.logFile} ---\n${tail}`,
      );
    }
    await sleep(250);
  }
  log(`kafka broker ready on ${state.bootstrap} (pid ${state.pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  if (record) await writeJsonAtomic(kafkaPaths().stateFile, state);
  return {
    ...state,
    stop: () => stopBroker(state).then(() => undefined),
  };
}

function serverProperties(info, extra = {}) {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    // Static quorum (still supported in 4.x): formatting needs no --standalone and the controller
    // address is fixed in the file, which is what restartBroker() relies on.
    'controller.quorum.voters': `1@${HOST}:${info.controllerPort}`,
    listeners: `PLAINTEXT://${HOST}:${info.port},CONTROLLER://${HOST}:${info.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${info.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(info.dataDir, 'kraft'),
    // One node: every internal topic must fit on it.
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // The default 50 partitions per internal topic make the first consumer group join take seconds
    // on a 2-core machine; a dev broker needs a handful.
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.num.partitions': 4,
    // Tests should not wait 3 s for a consumer group to form.
    'group.initial.rebalance.delay.ms': 0,
    // After a crash (SIGKILL) the restarted controller refuses the new broker incarnation until the
    // old one's session expires: 9 s by default, 4 s here, so killBroker() + restartBroker() is quick.
    // Heartbeats stay loopback-local, so 4 missed ones mean a stuck JVM, not a slow network.
    'broker.heartbeat.interval.ms': 1000,
    'broker.session.timeout.ms': 4000,
    'auto.create.topics.enable': true,
    'num.partitions': 1,
    ...extra,
  };
  const lines = Object.entries(props).map(([k, v]) => `${k}=${v}`);
  return `# Written by scripts/kafka/broker.mjs; single-node KRaft broker for local use only.\n${lines.join('\n')}\n`;
}

/**
 * The SASL_SSL listener: a throwaway key pair and self-signed certificate for localhost / 127.0.0.1 (keytool, in
 * the data dir, with a random store password), and the JAAS settings of PLAIN (users inline) and SCRAM (users
 * added when the storage is formatted).
 */
async function saslSslProperties(info, users) {
  const dir = path.dirname(info.saslSsl.caFile);
  await fsp.mkdir(dir, { recursive: true });
  const keystore = path.join(dir, 'broker.p12');
  const storePassword = randomBytes(18).toString('base64url');
  await runTool(keytoolBin(), [
    '-genkeypair',
    '-alias',
    'broker',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-validity',
    '7',
    '-dname',
    'CN=localhost',
    '-ext',
    'san=dns:localhost,ip:127.0.0.1',
    '-keystore',
    keystore,
    '-storetype',
    'PKCS12',
    '-storepass',
    storePassword,
    '-keypass',
    storePassword,
  ]);
  await runTool(keytoolBin(), [
    '-exportcert',
    '-rfc',
    '-alias',
    'broker',
    '-keystore',
    keystore,
    '-storepass',
    storePassword,
    '-file',
    info.saslSsl.caFile,
  ]);
  const quote = (v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const plainUsers = users.map((u) => `user_${u.username}=${quote(u.password)}`).join(' ');
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  return {
    listeners: `PLAINTEXT://${HOST}:${info.port},CONTROLLER://${HOST}:${info.controllerPort},SASL_SSL://${HOST}:${info.saslSsl.port}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${info.port},SASL_SSL://${HOST}:${info.saslSsl.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': scram,
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': scram,
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': keystore,
    'ssl.keystore.password': storePassword,
    'ssl.key.password': storePassword,
  };
}

async function formatStorage(info, scramUsers = []) {
  const { classpath } = kafkaPaths();
  const scram = scramUsers.flatMap((u) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => [
      '--add-scram',
      `${m}=[name=${u.username},password=${u.password}]`,
    ]),
  );
  await runTool(javaBin(), [
    ...TOOL_JVM_OPTS,
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    '-cp',
    classpath,
    STORAGE_TOOL_MAIN,
    'format',
    '-t',
    info.clusterId,
    '-c',
    info.propertiesFile,
    ...scram,
  ]);
}

/** A Kafka Uuid in its base64url form, with the same exclusions as Uuid.randomUuid(). */
function randomClusterId() {
  for (;;) {
    const bytes = randomBytes(16);
    const id = bytes.toString('base64url');
    // All-zero and 1 are reserved ids; a leading '-' would be parsed as a CLI flag.
    const reserved = bytes.every((b, i) => b === (i === 15 ? 1 : 0)) || bytes.every((b) => b === 0);
    if (!reserved && !id.startsWith('-')) return id;
  }
}

/** PLAINTEXT + CONTROLLER ports: the requested one (checked free) and/or ports the OS hands out. */
async function pickPorts(requested) {
  if (requested !== undefined) {
    const port = Number(requested);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port: ${requested}`);
    // Without this check the readiness probe could be answered by whatever already listens there.
    if (!(await isPortFree(port))) throw new Error(`port ${port} on ${HOST} is already in use`);
    const [controllerPort] = await freePorts(1, [port]);
    return [port, controllerPort];
  }
  return freePorts(2);
}

/** Asks the OS for `count` distinct free ports by listening on port 0 (all held open at once). */
async function freePorts(count, exclude = []) {
  const servers = [];
  const ports = [];
  try {
    while (ports.length < count) {
      const server = net.createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, resolve);
      });
      const { port } = server.address();
      if (!exclude.includes(port)) ports.push(port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve()))));
  }
  return ports;
}

function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

function toState(info) {
  if (!info) return null;
  const { stop: _stop, ...state } = info;
  return state;
}

async function removeDataDir(dataDir) {
  // Only delete what we created: a hand-edited broker.json must not turn `stop` into `rm -rf`.
  const runDir = kafkaPaths().runDir;
  const rel = path.relative(runDir, dataDir);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) {
    defaultLog(`not deleting ${dataDir}: it is outside ${runDir}`);
    return;
  }
  await fsp.rm(dataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Readiness: a real Kafka request instead of a log line.
//
// An open port is not enough (the socket server accepts before the broker has registered with its
// controller) and log wording changes between releases. A Metadata response that lists a broker
// means the broker is unfenced and clients can produce; matching the cluster id makes sure it is
// *our* broker and not something else that happens to be on the port.

async function probeReady(state) {
  try {
    const md = await brokerMetadata(state.bootstrap, { timeoutMs: 2000 });
    return md.brokers.length > 0 && md.clusterId === state.clusterId;
  } catch {
    return false;
  }
}

/**
 * Sends ApiVersions (v0) and returns `{ errorCode, apis: Map<apiKey, { min, max }> }`.
 * @param {string} bootstrap host:port
 */
export async function apiVersions(bootstrap, { timeoutMs = 5000 } = {}) {
  const r = new Reader(await kafkaRequest(bootstrap, 18, 0, Buffer.alloc(0), timeoutMs));
  const errorCode = r.int16();
  const apis = new Map();
  for (let n = r.int32(); n > 0; n--) {
    const key = r.int16();
    apis.set(key, { min: r.int16(), max: r.int16() });
  }
  return { errorCode, apis };
}

/**
 * Sends a Metadata request for no topics and returns `{ clusterId, controllerId, brokers: [{ nodeId, host, port }] }`.
 * Uses the highest non-flexible version (2..8) the broker supports, which keeps the encoding simple.
 * @param {string} bootstrap host:port
 */
export async function brokerMetadata(bootstrap, { timeoutMs = 5000 } = {}) {
  const range = (await apiVersions(bootstrap, { timeoutMs })).apis.get(3);
  const version = range ? Math.min(range.max, 8) : -1;
  if (!range || version < Math.max(range.min, 2)) throw new Error('broker supports no Metadata version in 2..8');

  const body = [int32(0)]; // topics: empty array = no topics (null would mean all)
  if (version >= 4) body.push(Buffer.from([0])); // allow_auto_topic_creation
  if (version >= 8) body.push(Buffer.from([0, 0])); // include_{cluster,topic}_authorized_operations
  const r = new Reader(await kafkaRequest(bootstrap, 3, version, Buffer.concat(body), timeoutMs));
  if (version >= 3) r.int32(); // throttle_time_ms
  const brokers = [];
  for (let n = r.int32(); n > 0; n--) {
    const nodeId = r.int32();
    const host = r.string();
    const port = r.int32();
    r.string(); // rack
    brokers.push({ nodeId, host, port });
  }
  const clusterId = r.string();
  const controllerId = r.int32();
  return { clusterId, controllerId, brokers };
}

let nextCorrelationId = 1;

/** One request/response on a fresh connection; resolves with the response body after the correlation id. */
function kafkaRequest(bootstrap, apiKey, apiVersion, body, timeoutMs) {
  const [host, portText] = splitHostPort(bootstrap);
  const correlationId = nextCorrelationId++;
  const clientId = Buffer.from('retail-datagen-broker-script');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const payload = Buffer.concat([header, clientId, body]);

  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(portText) });
    let received = Buffer.alloc(0);
    const fail = (err) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`timeout talking to ${bootstrap}`)));
    socket.once('error', fail);
    socket.once('close', () => reject(new Error(`connection to ${bootstrap} closed before a response`)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      const got = received.readInt32BE(4);
      if (got !== correlationId) return reject(new Error(`correlation id ${got}, expected ${correlationId}`));
      resolve(received.subarray(8, 4 + received.readInt32BE(0)));
    });
    socket.once('connect', () => socket.write(Buffer.concat([int32(payload.length), payload])));
  });
}

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
  }
  int16() {
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32() {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  /** Nullable string: int16 length, -1 = null. */
  string() {
    const len = this.int16();
    if (len < 0) return null;
    const v = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return v;
  }
}

function int32(v) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}

function splitHostPort(bootstrap) {
  const i = bootstrap.lastIndexOf(':');
  return [bootstrap.slice(0, i), bootstrap.slice(i + 1)];
}

// ---------------------------------------------------------------------------------------------
// Processes and files

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function keytoolBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'keytool') : 'keytool';
}

function mavenBin() {
  return process.env.MAVEN_HOME ? path.join(process.env.MAVEN_HOME, 'bin', 'mvn') : 'mvn';
}

/** Runs a short-lived command, rejecting with its combined output on failure. */
function runTool(cmd, args) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const what = err.code === 'ENOENT' ? `${cmd} not found on PATH` : `${cmd} failed (exit ${err.code})`;
      reject(new Error(`${what}: ${cmd} ${args.join(' ')}\n${stdout}${stderr}`.trimEnd()));
    });
  });
}

function signalGroup(pid, signal) {
  try {
    // Negative pid = the process group the detached JVM leads.
    process.kill(-pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}

/**
 * Alive and not a zombie: an orphaned JVM that nobody has reaped yet still answers kill(pid, 0).
 * Only a zombie with a single thread is really gone: after SIGKILL the JVM's main thread turns
 * into a zombie first while other threads still hold its sockets open.
 */
function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  let status;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (err) {
    // No /proc (macOS): trust kill(pid, 0). ENOENT: it vanished just now.
    return err.code !== 'ENOENT';
  }
  const state = /^State:\s+(\S)/m.exec(status)?.[1];
  const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
  return !((state === 'Z' || state === 'X') && threads <= 1);
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

async function logTail(file) {
  const text = (await readTextOrNull(file)) ?? '(no log written)';
  return text.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
}

async function writeJsonAtomic(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await fsp.rename(tmp, file);
}

async function readTextOrNull(file) {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function defaultLog(msg) {
  // stderr, so that stdout of `start` is only the bootstrap address (BOOTSTRAP=$(... start)).
  process.stderr.write(`${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = 'usage: node scripts/kafka/broker.mjs <start [--port N] | stop | status | restart | fetch | classpath>';

async function main(argv) {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const status = await brokerStatus();
      if (status.running) {
        defaultLog(`kafka broker already running (pid ${status.pid}); stop it first to start a fresh one`);
        process.stdout.write(`${status.bootstrap}\n`);
        return 0;
      }
      // A recorded broker that died (reboot, kill -9): drop its data dir rather than leak it.
      if (status.dataDir) await stopBroker(status);
      const portFlag = rest.indexOf('--port');
      const port = portFlag >= 0 ? rest[portFlag + 1] : undefined;
      if (portFlag >= 0 && port === undefined) throw new Error('--port needs a value');
      const broker = await startBroker({ port });
      process.stdout.write(`${broker.bootstrap}\n`);
      return 0;
    }
    case 'stop': {
      const state = await readBrokerState();
      if (!(await stopBroker())) {
        defaultLog('no kafka broker recorded; nothing to stop');
        return 0;
      }
      defaultLog(`kafka broker on ${state.bootstrap} stopped, ${state.dataDir} removed`);
      return 0;
    }
    case 'status': {
      const s = await brokerStatus();
      let line = 'not running';
      if (s.ready) line = `running ${s.bootstrap} (pid ${s.pid}, log ${s.logFile})`;
      else if (s.running) line = `not answering: pid ${s.pid} is alive but ${s.bootstrap} serves no metadata`;
      process.stdout.write(`${line}\n`);
      return s.ready ? 0 : 3;
    }
    case 'restart': {
      const state = await readBrokerState();
      if (!state) throw new Error('no kafka broker recorded; use start');
      await killBroker('SIGTERM', state);
      const broker = await restartBroker(state);
      process.stdout.write(`${broker.bootstrap}\n`);
      return 0;
    }
    case 'fetch':
      process.stdout.write(`${await ensureKafkaJars()}\n`);
      return 0;
    case 'classpath':
      await ensureKafkaJars();
      process.stdout.write(`${kafkaPaths().classpath}\n`);
      return 0;
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
