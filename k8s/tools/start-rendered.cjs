#!/usr/bin/env node
// Starts the binaries of a rendered overlay the way its pods would start them, and checks
// that what the manifests promise is served: every probe answers, every Service port and
// metrics annotation points at a port the process listens on, the migration Jobs succeed, and
// every process drains cleanly on SIGTERM.
//
//   node start-rendered.cjs --rendered=FILE --build=DIR --work=DIR
//
// Each container runs its image's entrypoint (the binary of the image's name, from --build)
// with the container's args and an environment built from env, envFrom and valueFrom exactly
// as the kubelet would. Its volumes become folders under --work, and every value that names a
// mounted path is moved there. Only the endpoints and credentials of the datastores are the
// local stack's (CT_MYSQL_*, CT_REDIS_*, CT_STACK_* from scripts/stack.sh): MySQL and Redis
// hosts and ports, the <service>-mysql and <service>-redis Secrets, mysql-ca. Cluster DNS
// addresses (dns:///name:port) become 127.0.0.1:port, which works because every container
// listens on the port the manifests give it, all on this host. Secrets that are not in the
// render (prod) are made up: certificates from a throwaway CA, keys files with a fresh key.
'use strict';

const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const YAML = require('yaml');

function parseArgs(argv) {
  const args = {};
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!match) {
      throw new Error(`unknown argument ${arg}`);
    }
    args[match[1]] = match[2];
  }
  for (const required of ['rendered', 'build', 'work']) {
    if (!args[required]) {
      throw new Error(`--${required}= is required`);
    }
  }
  return args;
}

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: load a stack.env from scripts/stack.sh first`);
  }
  return value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Resolves to {code: 'timeout'} after ms without keeping the process alive until then.
const timeoutAfter = (ms) =>
    new Promise((resolve) => setTimeout(() => resolve({code: 'timeout'}), ms).unref());

// --- made-up secrets -------------------------------------------------------------------------

class SecretMaker {
  constructor(work, renderedSecrets) {
    this.work = work;
    this.rendered = renderedSecrets;
    // The key services present to each other ('*' reader), and the check's own caller key.
    this.serviceKey = crypto.randomBytes(24).toString('hex');
    this.writerKey = crypto.randomBytes(24).toString('hex');
    this.tls = null;
  }

  // The file content of key `key` of Secret `name`.
  value(name, key) {
    if (/-mysql$/.test(name)) {
      return {user: requiredEnv('CT_MYSQL_USER'), password: requiredEnv('CT_MYSQL_PASSWORD')}[key];
    }
    if (/-redis$/.test(name)) {
      return {
        user: requiredEnv('CT_STACK_REDIS_ACL_USER'),
        password: requiredEnv('CT_STACK_REDIS_ACL_PASSWORD'),
      }[key];
    }
    if (name === 'mysql-ca' && key === 'ca.crt') {
      return fs.readFileSync(requiredEnv('CT_STACK_MYSQL_TLS_CA'), 'utf8');
    }
    if (/-tls$/.test(name)) {
      return this.certificates()[key];
    }
    if (key === 'api-keys') {
      const digest = (key) => crypto.createHash('sha256').update(key).digest('hex');
      return `${digest(this.serviceKey)} * reader\n${digest(this.writerKey)} check-tenant writer\n`;
    }
    if (/api-key$/.test(key)) {
      return this.serviceKey;
    }
    const secret = this.rendered.get(name);
    if (secret) {
      if (secret.stringData && key in secret.stringData) {
        return secret.stringData[key];
      }
      if (secret.data && key in secret.data) {
        return Buffer.from(secret.data[key], 'base64').toString('utf8');
      }
    }
    return undefined;
  }

  // Keys to write for a Secret volume: the render's keys, or every key the maker knows.
  keys(name) {
    const secret = this.rendered.get(name);
    const known = [];
    if (secret) {
      known.push(...Object.keys(secret.stringData || {}), ...Object.keys(secret.data || {}));
    }
    if (/-mysql$/.test(name) || /-redis$/.test(name)) {
      known.push('user', 'password');
    } else if (name === 'mysql-ca') {
      known.push('ca.crt');
    } else if (/-tls$/.test(name)) {
      known.push('tls.crt', 'tls.key', 'ca.crt');
    } else if (/-api-keys$/.test(name)) {
      known.push('api-keys');
    }
    return [...new Set(known)];
  }

  certificates() {
    if (this.tls) {
      return this.tls;
    }
    const dir = path.join(this.work, 'made-up-tls');
    fs.mkdirSync(dir, {recursive: true});
    const run = (command) => childProcess.execSync(command, {cwd: dir, stdio: 'pipe'});
    run('openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=check-ca ' +
        '-keyout ca.key -out ca.crt');
    run('openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout tls.key -out tls.csr');
    fs.writeFileSync(path.join(dir, 'ext'),
                     'subjectAltName=IP:127.0.0.1,DNS:localhost\n' +
                         'extendedKeyUsage=serverAuth,clientAuth\n');
    run('openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 ' +
        '-extfile ext -out tls.crt');
    const read = (file) => fs.readFileSync(path.join(dir, file), 'utf8');
    this.tls = {'tls.crt': read('tls.crt'), 'tls.key': read('tls.key'), 'ca.crt': read('ca.crt')};
    return this.tls;
  }
}

// --- from a pod template to a process ---------------------------------------------------------

// The binary behind an image: "registry.example.com/clienttier/scoring:1.0.0" -> scoring.
function binaryOf(image, build) {
  const match = /(?:^|\/)clienttier\/([a-z-]+)(?::[^/]*)?$/.exec(image);
  if (!match) {
    return null;  // not ours (the dev overlay's MariaDB and Redis)
  }
  const name = match[1];
  return name === 'tierctl' ? path.join(build, 'tools', 'tierctl') :
                              path.join(build, 'services', name, name);
}

function dnsToLoopback(value) {
  const match = /^dns:\/\/\/[^:/]+:(\d+)$/.exec(value);
  return match ? `127.0.0.1:${match[1]}` : value;
}

class Launch {
  constructor(kind, owner, podSpec, container, context) {
    this.kind = kind;
    this.owner = owner;
    this.label = `${kind}/${owner}`;
    this.podSpec = podSpec;
    this.container = container;
    this.binary = binaryOf(container.image, context.build);
    this.root = path.join(context.work, `${kind}-${owner}`.toLowerCase());
    this.mounts = this.prepareMounts(context);
    this.env = this.environment(context);
    this.args = container.args || [];
  }

  prepareMounts(context) {
    const volumes = new Map((this.podSpec.volumes || []).map((volume) => [volume.name, volume]));
    const mounts = [];
    for (const mount of this.container.volumeMounts || []) {
      const volume = volumes.get(mount.name);
      if (!volume) {
        throw new Error(`${this.label}: mount ${mount.name} has no volume`);
      }
      const local = path.join(this.root, 'mounts', mount.mountPath);
      fs.mkdirSync(local, {recursive: true});
      if (volume.secret) {
        const name = volume.secret.secretName;
        // The keys this container reads (its *_FILE values under the mount) count too: a
        // Secret made outside git has no other list of keys.
        const read = (this.container.env || [])
                         .map((variable) => variable.value)
                         .filter((value) => typeof value === 'string' &&
                                            value.startsWith(mount.mountPath + '/'))
                         .map((value) => value.slice(mount.mountPath.length + 1));
        for (const key of new Set([...context.secrets.keys(name), ...read])) {
          const value = context.secrets.value(name, key);
          if (value !== undefined) {
            fs.writeFileSync(path.join(local, key), value);
          }
        }
      } else if (volume.configMap) {
        const map = context.configMaps.get(volume.configMap.name);
        for (const [key, value] of Object.entries((map && map.data) || {})) {
          fs.writeFileSync(path.join(local, key), value);
        }
      }
      mounts.push({mountPath: mount.mountPath, local});
    }
    // Longest first, so /etc/clienttier/tls wins over a mount at /etc/clienttier.
    return mounts.sort((a, b) => b.mountPath.length - a.mountPath.length);
  }

  localPath(value) {
    for (const mount of this.mounts) {
      if (value === mount.mountPath || value.startsWith(mount.mountPath + '/')) {
        return mount.local + value.slice(mount.mountPath.length);
      }
    }
    return value;
  }

  environment(context) {
    const env = {};
    for (const from of this.container.envFrom || []) {
      if (from.configMapRef) {
        const map = context.configMaps.get(from.configMapRef.name);
        if (!map) {
          throw new Error(`${this.label}: ConfigMap ${from.configMapRef.name} is not rendered`);
        }
        Object.assign(env, map.data || {});
      }
    }
    for (const variable of this.container.env || []) {
      if ('value' in variable) {
        env[variable.name] = String(variable.value);
      } else if (variable.valueFrom && variable.valueFrom.configMapKeyRef) {
        const ref = variable.valueFrom.configMapKeyRef;
        env[variable.name] = ((context.configMaps.get(ref.name) || {}).data || {})[ref.key];
      } else if (variable.valueFrom && variable.valueFrom.secretKeyRef) {
        const ref = variable.valueFrom.secretKeyRef;
        env[variable.name] = context.secrets.value(ref.name, ref.key);
      } else if (variable.valueFrom && variable.valueFrom.fieldRef) {
        env[variable.name] = `check-${this.owner}`;
      }
    }
    const local = {};
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) {
        throw new Error(`${this.label}: ${name} refers to a value that does not exist`);
      }
      local[name] = dnsToLoopback(this.localPath(value));
    }
    // The stack's datastores instead of the cluster's.
    local.CT_MYSQL_HOST = requiredEnv('CT_MYSQL_HOST');
    local.CT_MYSQL_PORT = requiredEnv('CT_MYSQL_PORT');
    local.CT_REDIS_HOST = requiredEnv('CT_REDIS_HOST');
    local.CT_REDIS_PORT = requiredEnv('CT_REDIS_PORT');
    local.PATH = process.env.PATH;
    return local;
  }

  portNumber(port) {
    if (typeof port === 'number') {
      return port;
    }
    const named = (this.container.ports || []).find((candidate) => candidate.name === port);
    if (!named) {
      throw new Error(`${this.label}: port "${port}" is declared by no container port`);
    }
    return named.containerPort;
  }

  start() {
    fs.mkdirSync(this.root, {recursive: true});
    this.logFile = path.join(this.root, 'log');
    const log = fs.openSync(this.logFile, 'w');
    this.process = childProcess.spawn(this.binary, this.args, {
      env: this.env,
      cwd: this.root,
      stdio: ['ignore', log, log],
    });
    this.exit = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => resolve({code, signal}));
      this.process.on('error', (error) => resolve({code: error.code, signal: null}));
    });
    fs.closeSync(log);
  }

  logTail() {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

// --- checks -----------------------------------------------------------------------------------

function tcpOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({host: '127.0.0.1', port}, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

// The kernel's range of local ports for outgoing connections.
function ephemeralPorts() {
  try {
    const [low, high] =
        fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return {low: Number(low), high: Number(high)};
  } catch {
    return {low: 32768, high: 60999};  // Linux's default
  }
}

// Holds `port` by listening on it until its container starts, as its own pod's network would:
// on one host the containers' connections to MariaDB and Redis take local ports from the
// kernel's ephemeral range (32768-60999), which holds the manifests' gRPC ports, and one of
// them once took referral's 50064 before referral bound it (CI: "Address already in use").
// connect() never gives a connection a port that a socket is bound to. A port held by a
// closing connection (TIME_WAIT) frees within a minute: tried until then, else it is taken.
// Null for a port outside the range (no connection takes it; it only must not be listened on).
async function holdPort(port) {
  const ephemeral = ephemeralPorts();
  if (port < ephemeral.low || port > ephemeral.high) {
    if (await tcpOpen(port)) {
      throw new Error(`port ${port} is already taken on this host; stop what uses it and run ` +
                      'the check again');
    }
    return null;
  }
  const deadline = Date.now() + 65000;
  for (;;) {
    // A connection to a held port is closed at once, as a refused one would fail.
    const server = net.createServer((socket) => socket.destroy());
    const error = await new Promise((resolve) => {
      server.once('error', resolve);
      server.listen({port, host: '0.0.0.0', exclusive: true}, () => resolve(null));
    });
    if (!error) {
      return server;
    }
    if (error.code !== 'EADDRINUSE' || Date.now() > deadline) {
      throw new Error(`port ${port} is already taken on this host (${error.code}); stop what ` +
                      'uses it and run the check again');
    }
    await sleep(1000);
  }
}

function httpGet(port, urlPath) {
  return new Promise((resolve) => {
    const request = http.get({host: '127.0.0.1', port, path: urlPath, timeout: 2000}, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => {
      request.destroy();
      resolve(0);
    });
  });
}

function httpPostJson(port, urlPath, body, apiKey) {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path: urlPath,
          method: 'POST',
          timeout: 10000,
          headers: {'Content-Type': 'application/json', 'Authorization': `Bearer ${apiKey}`},
        },
        (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({status: response.statusCode, text}));
        });
    request.on('error', (error) => resolve({status: 0, text: error.message}));
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.end(payload);
  });
}

// One call per service through the gateway: HTTP in, gRPC out (mutual TLS in prod), and each
// service's own MySQL (TLS in prod) and Redis (its ACL user) behind it.
const kCallsThroughTheGateway = [
  ['/clienttier.profile.v1.ClientProfileService/CreateClient',
   {client: {clientId: 'rendered-check-1'}}],
  ['/clienttier.scoring.v1.ScoringService/GetTierDistribution', {}],
  ['/clienttier.campaign.v1.CampaignService/ListCampaigns', {}],
  ['/clienttier.referral.v1.ReferralService/GetReferralStats', {}],
];

function grpcHealth(tierctl, port, service) {
  const args = ['--output=json', '--deadline-s=2', `--address=127.0.0.1:${port}`, 'health',
                'check'];
  if (service) {
    args.push(`--service=${service}`);
  }
  const result = childProcess.spawnSync(tierctl, args, {encoding: 'utf8'});
  try {
    return JSON.parse(result.stdout).status || `exit ${result.status}`;
  } catch {
    return `exit ${result.status}: ${(result.stderr || '').trim().split('\n').pop()}`;
  }
}

// One probe: what it asks and whether the answer is the healthy one.
async function probe(launch, kind, spec, tierctl) {
  if (spec.grpc) {
    const port = launch.portNumber(spec.grpc.port);
    const status = grpcHealth(tierctl, port, spec.grpc.service);
    return {what: `${kind} grpc :${port}${spec.grpc.service ? ` (${spec.grpc.service})` : ''}`,
            ok: status === 'SERVING', answer: status};
  }
  if (spec.httpGet) {
    const port = launch.portNumber(spec.httpGet.port);
    const status = await httpGet(port, spec.httpGet.path || '/');
    return {what: `${kind} GET :${port}${spec.httpGet.path || '/'}`, ok: status >= 200 &&
            status < 400, answer: `HTTP ${status}`};
  }
  if (spec.tcpSocket) {
    const port = launch.portNumber(spec.tcpSocket.port);
    return {what: `${kind} tcp :${port}`, ok: await tcpOpen(port), answer: 'connect'};
  }
  return {what: `${kind} (exec)`, ok: false, answer: 'exec probes are not checked'};
}

async function until(deadlineMs, check) {
  const end = Date.now() + deadlineMs;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last.ok) {
      return last;
    }
    await sleep(250);
  }
  return last;
}

function selects(selector, labels) {
  return Object.entries(selector || {}).every(([key, value]) => labels[key] === value);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const objects = YAML.parseAllDocuments(fs.readFileSync(args.rendered, 'utf8'))
                      .map((document) => document.toJSON())
                      .filter(Boolean);
  const byKind = (kind) => objects.filter((object) => object.kind === kind);
  fs.rmSync(args.work, {recursive: true, force: true});
  fs.mkdirSync(args.work, {recursive: true});
  const context = {
    build: path.resolve(args.build),
    work: path.resolve(args.work),
    configMaps: new Map(byKind('ConfigMap').map((map) => [map.metadata.name, map])),
    secrets: new SecretMaker(args.work,
                             new Map(byKind('Secret').map((s) => [s.metadata.name, s]))),
  };
  const tierctl = path.join(context.build, 'tools', 'tierctl');
  const results = [];
  const record = (ok, line) => {
    results.push({ok, line});
    console.log(`${ok ? 'ok    ' : 'FAILED'} ${line}`);
  };

  const ours = (kind, object) =>
      object.spec.template.spec.containers
          .map((container) =>
                   new Launch(kind, object.metadata.name, object.spec.template.spec, container,
                              context))
          .filter((launch) => launch.binary);

  const deployments = byKind('Deployment');
  const launches = [];
  for (const deployment of deployments) {
    for (const launch of ours('Deployment', deployment)) {
      launch.labels = deployment.spec.template.metadata.labels || {};
      launch.annotations = deployment.spec.template.metadata.annotations || {};
      launches.push(launch);
    }
  }
  // Every container port is held from before the first connection (the Jobs') until its
  // container starts.
  const held = new Map();
  for (const launch of launches) {
    for (const port of launch.container.ports || []) {
      held.set(port.containerPort, await holdPort(port.containerPort));
    }
  }

  // Migration Jobs first: the Deployments run with CT_AUTO_MIGRATE=false.
  for (const job of byKind('Job')) {
    for (const launch of ours('Job', job)) {
      launch.start();
      const result = await Promise.race([launch.exit, timeoutAfter(120000)]);
      if (result.code === 'timeout') {
        launch.process.kill('SIGKILL');
      }
      record(result.code === 0, `${launch.label}: ${launch.args.join(' ')} exited ${
                                    result.code ?? result.signal}`);
      if (result.code !== 0) {
        console.log(launch.logTail());
      }
    }
  }

  try {
    // One at a time: a container's ports are let go just before it starts, and the next one
    // starts once they listen (or after 20 s; its probes then say what failed).
    for (const launch of launches) {
      const ports = (launch.container.ports || []).map((port) => port.containerPort);
      for (const port of ports) {
        const server = held.get(port);
        if (server) {
          await new Promise((resolve) => server.close(resolve));
        }
        held.delete(port);
      }
      launch.start();
      await until(20000, async () => {
        const open = await Promise.all(ports.map(tcpOpen));
        return {ok: open.every(Boolean)};
      });
    }
    for (const launch of launches) {
      const {startupProbe, readinessProbe, livenessProbe} = launch.container;
      // The startup probe gets its full budget; the others are asked once it passed.
      const budget = startupProbe ?
          (startupProbe.periodSeconds || 10) * (startupProbe.failureThreshold || 3) * 1000 :
          30000;
      for (const [kind, spec] of [['startupProbe', startupProbe], ['readinessProbe',
                                                                    readinessProbe],
                                  ['livenessProbe', livenessProbe]]) {
        if (!spec) {
          continue;
        }
        const answer = await until(kind === 'startupProbe' ? budget : 10000,
                                   () => probe(launch, kind, spec, tierctl));
        record(answer.ok, `${launch.label}: ${answer.what} -> ${answer.answer}`);
        if (!answer.ok) {
          console.log(launch.logTail());
        }
      }
      const annotations = launch.annotations;
      if (annotations['prometheus.io/scrape'] === 'true') {
        const port = Number(annotations['prometheus.io/port']);
        const status = await httpGet(port, annotations['prometheus.io/path'] || '/metrics');
        record(status === 200, `${launch.label}: scrape annotation GET :${port}${
                                   annotations['prometheus.io/path'] || '/metrics'} -> HTTP ${
                                   status}`);
      }
    }
    const gateway = launches.find((launch) => launch.owner === 'gateway');
    if (gateway) {
      const port = gateway.portNumber('http');
      for (const [route, body] of kCallsThroughTheGateway) {
        const answer = await httpPostJson(port, route, body, context.secrets.writerKey);
        // A client left by an earlier run on the same stack answers 409: still a round trip.
        const ok = answer.status === 200 || answer.status === 409;
        record(ok, `POST :${port}${route} through the gateway -> HTTP ${answer.status}`);
        if (!ok) {
          console.log(answer.text.slice(0, 300));
        }
      }
    }
    for (const service of byKind('Service')) {
      const backends = launches.filter((launch) => selects(service.spec.selector, launch.labels));
      if (backends.length === 0) {
        continue;  // the dev overlay's datastores
      }
      for (const port of service.spec.ports || []) {
        for (const launch of backends) {
          const target = launch.portNumber(port.targetPort ?? port.port);
          record(await tcpOpen(target),
                 `Service/${service.metadata.name} port ${port.port} -> ${launch.label}:${
                     target} accepts connections`);
        }
      }
    }
  } finally {
    for (const server of held.values()) {
      server?.close();
    }
    const started = launches.filter((launch) => launch.process);
    for (const launch of started) {
      launch.process.kill('SIGTERM');
    }
    for (const launch of started) {
      const result = await Promise.race([launch.exit, timeoutAfter(40000)]);
      if (result.code === 'timeout') {
        launch.process.kill('SIGKILL');
      }
      record(result.code === 0, `${launch.label}: SIGTERM -> exited ${
                                    result.code ?? result.signal}`);
    }
  }
  const failed = results.filter((result) => !result.ok).length;
  console.log(`${results.length - failed} checks passed, ${failed} failed`);
  process.exitCode = failed === 0 && results.length > 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`start-rendered: ${error.message}`);
  process.exit(1);  // not only an exit code: a held port's server would keep the process alive
});
