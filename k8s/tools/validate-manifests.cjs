#!/usr/bin/env node
// Validates rendered Kubernetes manifests offline, for scripts/k8s-check.sh.
//
//   node validate-manifests.cjs [--min-replicas=N] [--secrets=in-render|external] FILE...
//
// Each FILE holds the output of `kubectl kustomize`; together they are one render (an overlay
// and the Job kustomizations that run in its namespace). Every object is
// checked against the Kubernetes OpenAPI schema of its apiVersion/kind, as compiled into the
// kubernetes-models package, and then against the ClientTier deployment rules (below).
// Prints one line per problem and exits 1 when there is any, 2 on a usage error.
//
// Unknown fields. kubernetes-models' validators check the declared properties of each object
// but, like the OpenAPI documents they come from, do not reject undeclared ones. The API
// server does (kubectl's server-side field validation), and a misspelt field such as
// `readinesProbe` would otherwise pass silently. So the object is handed to the validator
// behind a Proxy that records which properties the validator looked up: a schema reads every
// property it declares, and iterates the keys of a map (labels, data, resource lists). A key
// the validator neither read nor reached by iteration is not in the schema, which is what
// `additionalProperties: false` would have reported. An object whose schema is free-form
// would show every key as unknown: that fails closed, and no object here has one.
'use strict';

const fs = require('fs');
const YAML = require('yaml');

const usage = 'usage: validate-manifests.cjs [--min-replicas=N] [--secrets=in-render|external] FILE...';

function parseArgs(argv) {
  const options = { minReplicas: 2, secrets: 'in-render', files: [] };
  for (const arg of argv) {
    let match;
    if ((match = /^--min-replicas=(\d+)$/.exec(arg))) {
      options.minReplicas = Number(match[1]);
    } else if ((match = /^--secrets=(in-render|external)$/.exec(arg))) {
      options.secrets = match[1];
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}\n${usage}`);
    } else {
      options.files.push(arg);
    }
  }
  if (options.files.length === 0) {
    throw new Error(usage);
  }
  return options;
}

// ---------------------------------------------------------------------------------------
// Schema validation with unknown-field detection.

function loadModel(apiVersion, kind) {
  // Core objects ("v1") live at kubernetes-models/v1, the others at <group>/<version>.
  let models;
  try {
    models = require(`kubernetes-models/${apiVersion}`);
  } catch (error) {
    return null;
  }
  const model = models[kind];
  return typeof model === 'function' && typeof model.prototype.validate === 'function' ? model : null;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Wraps `root` so that property reads and key iteration are recorded per original object.
function trackAccess(root) {
  const readKeys = new WeakMap(); // original object -> Set of keys looked up
  const iterated = new WeakSet(); // original objects whose keys were enumerated
  const proxies = new WeakMap();
  const note = (target, key) => {
    if (typeof key !== 'string') {
      return;
    }
    if (!readKeys.has(target)) {
      readKeys.set(target, new Set());
    }
    readKeys.get(target).add(key);
  };
  const wrap = (value) => {
    if (value === null || typeof value !== 'object') {
      return value;
    }
    if (proxies.has(value)) {
      return proxies.get(value);
    }
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        note(target, key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        note(target, key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        note(target, key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      ownKeys(target) {
        iterated.add(target);
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return { proxy: wrap(root), readKeys, iterated };
}

function unknownFields(root, readKeys, iterated) {
  const found = [];
  const walk = (value, path) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${path}/${index}`));
      return;
    }
    if (!isPlainObject(value)) {
      return;
    }
    const read = readKeys.get(value) || new Set();
    for (const key of Object.keys(value)) {
      if (!iterated.has(value) && !read.has(key)) {
        found.push(`${path}/${key}`);
      } else {
        walk(value[key], `${path}/${key}`);
      }
    }
  };
  walk(root, '');
  return found;
}

function schemaProblems(object) {
  const model = loadModel(object.apiVersion, object.kind);
  if (!model) {
    return [`no Kubernetes schema for apiVersion ${object.apiVersion}, kind ${object.kind}`];
  }
  const { proxy, readKeys, iterated } = trackAccess(object);
  try {
    model.prototype.validate.call(proxy);
  } catch (error) {
    const details = Array.isArray(error.errors) ? error.errors : [];
    if (details.length === 0) {
      return [`schema: ${error.message}`];
    }
    // Type errors make the validator stop descending, so unknown fields are only reported
    // for objects that otherwise match their schema.
    return details.map((detail) => `schema: ${detail.instancePath || '/'} ${detail.message}`);
  }
  return unknownFields(object, readKeys, iterated).map((path) => `unknown field ${path}`);
}

// ---------------------------------------------------------------------------------------
// ClientTier rules.

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

function podTemplateOf(object) {
  if (object.kind === 'CronJob') {
    return object.spec?.jobTemplate?.spec?.template;
  }
  return object.spec?.template;
}

function labelsMatch(selector, labels) {
  if (!isPlainObject(selector) || Object.keys(selector).length === 0) {
    return false;
  }
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

function containerProblems(object, template) {
  const problems = [];
  const pod = template?.spec || {};
  const podSecurity = pod.securityContext || {};
  const containers = [...(pod.initContainers || []), ...(pod.containers || [])];
  for (const container of containers) {
    const where = `container ${container.name}`;
    const resources = container.resources || {};
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (resources[kind]?.[resource] === undefined) {
          problems.push(`${where}: missing resources.${kind}.${resource}`);
        }
      }
    }
    const security = container.securityContext || {};
    const runAsNonRoot = security.runAsNonRoot ?? podSecurity.runAsNonRoot;
    const runAsUser = security.runAsUser ?? podSecurity.runAsUser;
    if (runAsNonRoot !== true) {
      problems.push(`${where}: runAsNonRoot must be true (pod or container securityContext)`);
    }
    if (runAsUser === 0) {
      problems.push(`${where}: runAsUser must not be 0`);
    }
    if (security.readOnlyRootFilesystem !== true) {
      problems.push(`${where}: securityContext.readOnlyRootFilesystem must be true`);
    }
    if (security.allowPrivilegeEscalation !== false) {
      problems.push(`${where}: securityContext.allowPrivilegeEscalation must be false`);
    }
    if (security.privileged === true) {
      problems.push(`${where}: must not be privileged`);
    }
    const dropped = security.capabilities?.drop || [];
    if (!dropped.includes('ALL')) {
      problems.push(`${where}: securityContext.capabilities.drop must include ALL`);
    }
    if ((security.capabilities?.add || []).length > 0) {
      problems.push(`${where}: must not add capabilities`);
    }
    const image = container.image || '';
    const lastPart = image.split('/').pop();
    if (!image.includes('@') && (!lastPart.includes(':') || lastPart.endsWith(':latest'))) {
      problems.push(`${where}: image ${image || '(none)'} needs a tag other than latest, or a digest`);
    }
  }
  return problems;
}

function deploymentProblems(deployment, all, options) {
  const problems = [];
  const namespace = deployment.metadata?.namespace;
  const name = deployment.metadata?.name;
  const labels = deployment.spec?.template?.metadata?.labels || {};
  for (const container of deployment.spec?.template?.spec?.containers || []) {
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      if (!isPlainObject(container[probe])) {
        problems.push(`container ${container.name}: missing ${probe}`);
      }
    }
  }
  const maxUnavailable = deployment.spec?.strategy?.rollingUpdate?.maxUnavailable;
  if (deployment.spec?.strategy?.type === 'Recreate' || ![0, '0', '0%'].includes(maxUnavailable)) {
    problems.push('rollout must be RollingUpdate with maxUnavailable: 0');
  }
  const hpas = all.filter(
    (other) =>
      other.kind === 'HorizontalPodAutoscaler' &&
      other.metadata?.namespace === namespace &&
      other.spec?.scaleTargetRef?.kind === 'Deployment' &&
      other.spec?.scaleTargetRef?.name === name,
  );
  if (hpas.length === 0) {
    problems.push('no HorizontalPodAutoscaler targets this Deployment');
  } else {
    for (const hpa of hpas) {
      if (hpa.apiVersion !== 'autoscaling/v2') {
        problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name} must be autoscaling/v2`);
      }
      if (!(hpa.spec.minReplicas >= options.minReplicas)) {
        problems.push(
          `HorizontalPodAutoscaler ${hpa.metadata.name}: minReplicas ${hpa.spec.minReplicas} < ${options.minReplicas}`,
        );
      }
    }
    if (deployment.spec?.replicas !== undefined) {
      problems.push('sets spec.replicas although an HPA owns the count (each apply would reset it)');
    }
  }
  const pdbs = all.filter(
    (other) =>
      other.kind === 'PodDisruptionBudget' &&
      other.metadata?.namespace === namespace &&
      labelsMatch(other.spec?.selector?.matchLabels, labels),
  );
  if (pdbs.length === 0) {
    problems.push('no PodDisruptionBudget selects its pods');
  }
  return problems;
}

// Names of ConfigMaps and Secrets a pod template uses.
function referencedNames(template) {
  const configMaps = new Set();
  const secrets = new Set();
  const pod = template?.spec || {};
  for (const container of [...(pod.initContainers || []), ...(pod.containers || [])]) {
    for (const source of container.envFrom || []) {
      if (source.configMapRef && !source.configMapRef.optional) configMaps.add(source.configMapRef.name);
      if (source.secretRef && !source.secretRef.optional) secrets.add(source.secretRef.name);
    }
    for (const variable of container.env || []) {
      const from = variable.valueFrom || {};
      if (from.configMapKeyRef && !from.configMapKeyRef.optional) configMaps.add(from.configMapKeyRef.name);
      if (from.secretKeyRef && !from.secretKeyRef.optional) secrets.add(from.secretKeyRef.name);
    }
  }
  for (const volume of pod.volumes || []) {
    if (volume.configMap && !volume.configMap.optional) configMaps.add(volume.configMap.name);
    if (volume.secret && !volume.secret.optional) secrets.add(volume.secret.secretName);
    for (const source of volume.projected?.sources || []) {
      if (source.configMap && !source.configMap.optional) configMaps.add(source.configMap.name);
      if (source.secret && !source.secret.optional) secrets.add(source.secret.name);
    }
  }
  return { configMaps, secrets };
}

function referenceProblems(object, template, all, options) {
  const problems = [];
  const namespace = object.metadata?.namespace;
  const names = (kind) =>
    all.filter((other) => other.kind === kind && other.metadata?.namespace === namespace).map((other) => other.metadata.name);
  const { configMaps, secrets } = referencedNames(template);
  const check = (kind, wanted, mustExist) => {
    const present = names(kind);
    for (const name of wanted) {
      if (present.includes(name)) {
        continue;
      }
      // A generator added a hash suffix but this reference was not rewritten.
      const hashed = present.find((candidate) => new RegExp(`^${name}-[a-z0-9]{10}$`).test(candidate));
      if (hashed) {
        problems.push(`${kind} ${name} is referenced, but only ${hashed} exists (reference not rewritten)`);
      } else if (mustExist) {
        problems.push(`${kind} ${name} is referenced but not part of the render`);
      }
    }
  };
  check('ConfigMap', configMaps, true);
  check('Secret', secrets, options.secrets === 'in-render');
  return problems;
}

// The environment a container sees: its own `env` values and the data of the ConfigMaps (and
// Secrets, when they are in the render) its `envFrom` names. Values from key refs are not known
// offline and are left out.
function containerEnvironment(container, namespace, all) {
  const environment = new Map();
  const find = (kind, name) =>
    all.find((other) => other.kind === kind && other.metadata?.namespace === namespace && other.metadata?.name === name);
  for (const source of container.envFrom || []) {
    const prefix = source.prefix || '';
    const configMap = source.configMapRef && find('ConfigMap', source.configMapRef.name);
    for (const [key, value] of Object.entries(configMap?.data || {})) {
      environment.set(prefix + key, value);
    }
    const secret = source.secretRef && find('Secret', source.secretRef.name);
    for (const [key, value] of Object.entries(secret?.stringData || {})) {
      environment.set(prefix + key, value);
    }
  }
  for (const variable of container.env || []) {
    if (typeof variable.value === 'string') {
      environment.set(variable.name, variable.value);
    }
  }
  return environment;
}

// The keys a Secret or ConfigMap volume offers as files, or null when the object is not in the
// render (prod Secrets are created outside git).
function volumeFiles(volume, namespace, all) {
  const source = volume.secret || volume.configMap;
  if (!source) {
    return null;
  }
  if (Array.isArray(source.items) && source.items.length > 0) {
    return new Set(source.items.map((item) => item.path));
  }
  const kind = volume.secret ? 'Secret' : 'ConfigMap';
  const name = volume.secret ? source.secretName : source.name;
  const object = all.find(
    (other) => other.kind === kind && other.metadata?.namespace === namespace && other.metadata?.name === name,
  );
  if (!object) {
    return null;
  }
  return new Set([...Object.keys(object.data || {}), ...Object.keys(object.stringData || {}), ...Object.keys(object.binaryData || {})]);
}

// Every file a container is told to read (a *_FILE variable holding a path) must be on one of
// its volume mounts, and, where the volume's object is in the render, be one of its keys; every
// mount must name a volume of the pod; every key a variable takes from a ConfigMap or Secret in
// the render must exist. (A migration Job once named TLS files it did not mount and exited 1.)
function fileReferenceProblems(object, template, all) {
  const problems = [];
  const namespace = object.metadata?.namespace;
  const pod = template?.spec || {};
  const volumes = new Map((pod.volumes || []).map((volume) => [volume.name, volume]));
  for (const container of [...(pod.initContainers || []), ...(pod.containers || [])]) {
    const where = `container ${container.name}`;
    const mounts = container.volumeMounts || [];
    for (const mount of mounts) {
      if (!volumes.has(mount.name)) {
        problems.push(`${where}: volumeMount ${mount.name} names no volume of the pod`);
      }
    }
    for (const [name, value] of containerEnvironment(container, namespace, all)) {
      if (!name.endsWith('_FILE') || typeof value !== 'string' || value === '') {
        continue;
      }
      if (!value.startsWith('/')) {
        problems.push(`${where}: ${name}=${value} is not an absolute path`);
        continue;
      }
      const mount = mounts
        .filter((candidate) => value === candidate.mountPath || value.startsWith(`${candidate.mountPath.replace(/\/$/, '')}/`))
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
      if (!mount) {
        problems.push(`${where}: ${name}=${value} is on no volumeMount`);
        continue;
      }
      const volume = volumes.get(mount.name);
      const files = volume && !mount.subPath ? volumeFiles(volume, namespace, all) : null;
      const relative = value.slice(mount.mountPath.replace(/\/$/, '').length + 1);
      if (files && !files.has(relative)) {
        problems.push(`${where}: ${name}=${value}: volume ${mount.name} has no key ${relative}`);
      }
    }
    for (const variable of container.env || []) {
      const from = variable.valueFrom || {};
      for (const [kind, ref] of [['ConfigMap', from.configMapKeyRef], ['Secret', from.secretKeyRef]]) {
        if (!ref || ref.optional) {
          continue;
        }
        const source = all.find(
          (other) => other.kind === kind && other.metadata?.namespace === namespace && other.metadata?.name === ref.name,
        );
        const keys = source ? [...Object.keys(source.data || {}), ...Object.keys(source.stringData || {})] : null;
        if (keys && !keys.includes(ref.key)) {
          problems.push(`${where}: ${variable.name} takes key ${ref.key}, which ${kind} ${ref.name} lacks`);
        }
      }
    }
  }
  return problems;
}

// Every port a probe names is one the container declares (by number or name).
function probePortProblems(template) {
  const problems = [];
  const pod = template?.spec || {};
  for (const container of pod.containers || []) {
    const declared = new Set();
    for (const port of container.ports || []) {
      declared.add(port.containerPort);
      if (port.name) {
        declared.add(port.name);
      }
    }
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const spec = container[probe];
      const port = spec?.grpc?.port ?? spec?.httpGet?.port ?? spec?.tcpSocket?.port;
      if (port !== undefined && !declared.has(port)) {
        problems.push(`container ${container.name}: ${probe} port ${port} is not a declared container port`);
      }
    }
  }
  return problems;
}

// A Service's target ports are ports the pods it selects declare.
function servicePortProblems(service, all) {
  const problems = [];
  const selector = service.spec?.selector;
  if (!selector) {
    return problems;
  }
  const templates = all
    .filter(
      (other) =>
        WORKLOAD_KINDS.has(other.kind) &&
        other.kind !== 'Job' &&
        other.metadata?.namespace === service.metadata?.namespace &&
        labelsMatch(selector, podTemplateOf(other)?.metadata?.labels),
    )
    .map(podTemplateOf);
  for (const port of service.spec?.ports || []) {
    const target = port.targetPort ?? port.port;
    for (const template of templates) {
      const served = (template.spec?.containers || []).some((container) =>
        (container.ports || []).some((declared) => declared.containerPort === target || declared.name === target),
      );
      if (!served) {
        problems.push(`port ${port.name || port.port}: targetPort ${target} is declared by no container of the pods it selects`);
      }
    }
  }
  return problems;
}

function serviceProblems(service, all) {
  const selector = service.spec?.selector;
  if (!selector || service.spec?.type === 'ExternalName') {
    return [];
  }
  const selected = all.some(
    (other) =>
      WORKLOAD_KINDS.has(other.kind) &&
      other.kind !== 'Job' &&
      other.metadata?.namespace === service.metadata?.namespace &&
      labelsMatch(selector, podTemplateOf(other)?.metadata?.labels),
  );
  return selected ? [] : ['selects no pods of any Deployment or StatefulSet in the render'];
}

function namespaceProblems(all) {
  const problems = [];
  const namespaces = new Set(all.filter((o) => o.kind !== 'Namespace' && o.metadata?.namespace).map((o) => o.metadata.namespace));
  const unplaced = all.filter((o) => o.kind !== 'Namespace' && !o.metadata?.namespace);
  for (const object of unplaced) {
    problems.push(`${object.kind}/${object.metadata?.name}: no metadata.namespace (the overlay must set one)`);
  }
  for (const namespace of namespaces) {
    const denyAll = all.some(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        o.metadata?.namespace === namespace &&
        isPlainObject(o.spec?.podSelector) &&
        Object.keys(o.spec.podSelector).length === 0 &&
        (o.spec.policyTypes || []).includes('Ingress') &&
        (o.spec.policyTypes || []).includes('Egress') &&
        !(o.spec.ingress || []).length &&
        !(o.spec.egress || []).length,
    );
    if (!denyAll) {
      problems.push(`namespace ${namespace}: no deny-all NetworkPolicy (podSelector {}, Ingress and Egress, no rules)`);
    }
  }
  return problems;
}

function ruleProblems(object, all, options) {
  const problems = [];
  if (WORKLOAD_KINDS.has(object.kind)) {
    const template = podTemplateOf(object);
    problems.push(...containerProblems(object, template));
    problems.push(...referenceProblems(object, template, all, options));
    problems.push(...fileReferenceProblems(object, template, all));
    problems.push(...probePortProblems(template));
    if (template?.spec?.automountServiceAccountToken !== false) {
      problems.push('pod template must set automountServiceAccountToken: false');
    }
  }
  if (object.kind === 'Deployment') {
    problems.push(...deploymentProblems(object, all, options));
  }
  if (object.kind === 'Service') {
    problems.push(...serviceProblems(object, all));
    problems.push(...servicePortProblems(object, all));
  }
  if (object.kind === 'HorizontalPodAutoscaler') {
    const target = object.spec?.scaleTargetRef || {};
    const exists = all.some(
      (other) => other.kind === target.kind && other.metadata?.name === target.name && other.metadata?.namespace === object.metadata?.namespace,
    );
    if (!exists) {
      problems.push(`scaleTargetRef ${target.kind}/${target.name} is not part of the render`);
    }
  }
  if (object.kind === 'PodDisruptionBudget') {
    const selected = all.some(
      (other) =>
        WORKLOAD_KINDS.has(other.kind) &&
        other.metadata?.namespace === object.metadata?.namespace &&
        labelsMatch(object.spec?.selector?.matchLabels, podTemplateOf(other)?.metadata?.labels),
    );
    if (!selected) {
      problems.push('selects no pods of any workload in the render');
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------

function readObjects(file) {
  const documents = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects = [];
  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new Error(`${file}: YAML error: ${document.errors[0].message}`);
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) {
      objects.push(value);
    }
  }
  return objects;
}

function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  // All files form one render: a Job kustomization validated with the overlay it runs in.
  const objects = options.files.flatMap(readObjects);
  const problems = [];
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata?.name}`;
    for (const problem of [...schemaProblems(object), ...ruleProblems(object, objects, options)]) {
      problems.push(`${id}: ${problem}`);
    }
  }
  problems.push(...namespaceProblems(objects));
  if (objects.length === 0) {
    problems.push('no objects rendered');
  }
  for (const problem of problems) {
    console.log(problem);
  }
  console.log(`${options.files.join(' + ')}: ${objects.length} objects, ${problems.length} problems`);
  const failures = problems.length;
  return failures === 0 ? 0 : 1;
}

process.exitCode = main();
