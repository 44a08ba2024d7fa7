#!/usr/bin/env node
// `npm run deploy:check`: static checks of deploy/ that need no Docker engine and no cluster.
//  - every YAML file parses (no duplicate keys); every Kubernetes object has apiVersion/kind/metadata.name
//  - every variable of the README's configuration table (and of the server's config schema) is in the
//    ConfigMap or the Secret, in deploy/.env.example and in the compose app environment
//  - probes (/ready, /health), selectors, ports, HPA/PDB targets, Job command, compose wiring, Dockerfile
//  - `nginx -t` on deploy/nginx/econtrol.conf when nginx is installed
//  - `docker compose config` (or docker-compose v1 on a copy without `name:`) when available
// Exit code 1 on any failure; tools that are not installed are reported as skipped.
/* global console, process, URL */
/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- parsed YAML is untyped */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const deployDir = fileURLToPath(new URL('..', import.meta.url));
const root = join(deployDir, '..');
const rel = (p) => relative(root, p);

let failures = 0;
let passes = 0;
const ok = (msg) => {
  passes++;
  console.log(`  ✓ ${msg}`);
};
const fail = (msg) => {
  failures++;
  console.log(`  ✗ ${msg}`);
};
const check = (cond, msg, detail = '') => (cond ? ok(msg) : fail(detail ? `${msg} — ${detail}` : msg));
const skip = (msg) => console.log(`  - skipped: ${msg}`);
const section = (title) => console.log(`\n${title}`);

// ---------------------------------------------------------------------------------------------
section('YAML files parse');
const yamlFiles = [];
(function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (/\.ya?ml$/.test(entry.name) && !entry.name.startsWith('.')) yamlFiles.push(p);
  }
})(deployDir);
const docsByFile = new Map();
for (const file of yamlFiles.sort()) {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true, merge: true });
  const errors = docs.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message));
  check(errors.length === 0, rel(file), errors.join('; '));
  docsByFile.set(
    file,
    docs.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined),
  );
}

// ---------------------------------------------------------------------------------------------
section('Kubernetes objects');
const k8sDir = join(deployDir, 'k8s');
const objects = [];
for (const [file, docs] of docsByFile) {
  if (!file.startsWith(k8sDir)) continue;
  for (const doc of docs) {
    if (doc.kind === 'Kustomization') {
      const missing = (doc.resources ?? []).filter((r) => !existsSync(join(dirname(file), r)));
      check(missing.length === 0, `${rel(file)}: every kustomization resource exists`, missing.join(', '));
      continue;
    }
    const name = doc?.metadata?.name;
    check(
      Boolean(doc.apiVersion && doc.kind && name),
      `${rel(file)}: ${doc.kind ?? '?'}/${name ?? '?'} has apiVersion, kind, metadata.name`,
    );
    if (doc.kind !== 'Namespace')
      check(doc.metadata?.namespace === 'econtrol', `${doc.kind}/${name} is in namespace econtrol`);
    objects.push({ ...doc, file });
  }
}
const find = (kind) => objects.filter((o) => o.kind === kind);
for (const kind of [
  'Namespace',
  'ConfigMap',
  'Secret',
  'Deployment',
  'Service',
  'Ingress',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Job',
]) {
  check(find(kind).length === 1, `exactly one ${kind}`, `found ${find(kind).length}`);
}
const [configMap] = find('ConfigMap');
const [secret] = find('Secret');
const [deployment] = find('Deployment');
const [service] = find('Service');
const [ingress] = find('Ingress');
const [hpa] = find('HorizontalPodAutoscaler');
const [pdb] = find('PodDisruptionBudget');
const [job] = find('Job');

// ---------------------------------------------------------------------------------------------
section('Every configuration variable is deployed');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const configSection = readme.split(/^## Configuration\s*$/m)[1]?.split(/^## /m)[0] ?? '';
const readmeVars = [...configSection.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]);
check(readmeVars.length >= 20, `README configuration table read (${readmeVars.length} variables)`);
const schemaFile = join(root, 'apps/server/src/config/config.ts');
let schemaVars = [];
if (existsSync(schemaFile)) {
  const src = readFileSync(schemaFile, 'utf8');
  const body = src.split('configSchema = z.object({')[1]?.split(/\n\}\);/)[0] ?? '';
  schemaVars = [...body.matchAll(/^\s{2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
  const undocumented = schemaVars.filter((v) => !readmeVars.includes(v) && v !== 'NODE_ENV');
  check(
    undocumented.length === 0,
    `server config schema (${schemaVars.length} variables) has no variable missing from the README table`,
    undocumented.join(', '),
  );
}
const allVars = [...new Set([...readmeVars, ...schemaVars])];
const secretVars = ['DATABASE_URL', 'REDIS_URL', 'JWT_PRIVATE_KEY'];
const cmKeys = Object.keys(configMap?.data ?? {});
const secretKeys = Object.keys({ ...(secret?.stringData ?? {}), ...(secret?.data ?? {}) });
check(
  secretVars.every((v) => secretKeys.includes(v)),
  `Secret holds ${secretVars.join(', ')}`,
  `has ${secretKeys.join(', ')}`,
);
const leaked = secretVars.filter((v) => cmKeys.includes(v));
check(leaked.length === 0, 'no secret in the ConfigMap', leaked.join(', '));
const notInK8s = allVars.filter((v) => !cmKeys.includes(v) && !secretKeys.includes(v));
check(
  notInK8s.length === 0,
  'every variable is in the ConfigMap or the Secret',
  `missing: ${notInK8s.join(', ')}`,
);
const nonString = Object.entries(configMap?.data ?? {}).filter(([, v]) => typeof v !== 'string');
check(nonString.length === 0, 'ConfigMap values are strings', nonString.map(([k]) => k).join(', '));

const envExample = readFileSync(join(deployDir, '.env.example'), 'utf8');
const envKeys = [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
const notInEnv = allVars.filter((v) => !envKeys.includes(v) && v !== 'NODE_ENV');
check(notInEnv.length === 0, 'every variable is in deploy/.env.example', `missing: ${notInEnv.join(', ')}`);
const secretLike = envExample.match(/^(POSTGRES_PASSWORD|JWT_PRIVATE_KEY)=(.*)$/gm) ?? [];
check(
  secretLike.every((line) => /=(|.*CHANGE_ME.*)$/.test(line)),
  'secrets in .env.example are placeholders',
  secretLike.join('; '),
);

// ---------------------------------------------------------------------------------------------
section('Deployment, Service, Ingress, HPA, PDB, Job');
const podSpec = deployment?.spec?.template?.spec ?? {};
const podLabels = deployment?.spec?.template?.metadata?.labels ?? {};
const [container] = podSpec.containers ?? [];
const matches = (selector = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
check(deployment?.spec?.replicas === 2, 'Deployment has 2 replicas');
check(matches(deployment?.spec?.selector?.matchLabels), 'Deployment selector matches its pod labels');
check(container?.readinessProbe?.httpGet?.path === '/ready', 'readiness probe → /ready');
check(container?.livenessProbe?.httpGet?.path === '/health', 'liveness probe → /health');
check(
  !container?.startupProbe || container.startupProbe.httpGet?.path === '/health',
  'startup probe → /health',
);
const portNames = new Map((container?.ports ?? []).map((p) => [p.name, p.containerPort]));
const probePorts = ['readinessProbe', 'livenessProbe', 'startupProbe']
  .map((p) => container?.[p]?.httpGet?.port)
  .filter(Boolean);
check(
  probePorts.every((p) => portNames.has(p) || p === 3000),
  'probe ports exist on the container',
);
check(
  portNames.get('http') === 3000 && configMap?.data?.PORT === '3000',
  'container port 3000 = ConfigMap PORT',
);
const res = container?.resources ?? {};
check(
  Boolean(res.requests?.cpu && res.requests?.memory && res.limits?.cpu && res.limits?.memory),
  'resource requests and limits set',
);
const envFrom = (container?.envFrom ?? []).map((e) => e.configMapRef?.name ?? e.secretRef?.name);
check(
  envFrom.includes(configMap?.metadata?.name) && envFrom.includes(secret?.metadata?.name),
  'Deployment loads the ConfigMap and the Secret (envFrom)',
);
check(podSpec.securityContext?.runAsNonRoot === true, 'pods run as non-root');
const mounts = (container?.volumeMounts ?? []).map((m) => m.mountPath);
check(
  mounts.includes(configMap?.data?.DATA_DIR),
  'DATA_DIR is a writable volume (read-only root filesystem)',
);
check(matches(service?.spec?.selector), 'Service selector matches the pods');
check(
  (service?.spec?.ports ?? []).every((p) => portNames.has(p.targetPort) || p.targetPort === 3000),
  'Service targetPort exists on the container',
);
const backend = ingress?.spec?.rules?.[0]?.http?.paths?.[0]?.backend?.service;
check(
  backend?.name === service?.metadata?.name &&
    (service?.spec?.ports ?? []).some(
      (p) => p.name === backend?.port?.name || p.port === backend?.port?.number,
    ),
  'Ingress backend → the Service and one of its ports',
);
const ann = ingress?.metadata?.annotations ?? {};
check(ann['nginx.ingress.kubernetes.io/affinity'] === 'cookie', 'Ingress: cookie affinity (sticky sessions)');
check(
  Number(ann['nginx.ingress.kubernetes.io/proxy-read-timeout']) >= 3600,
  'Ingress: long read timeout for WebSockets',
);
check(ingress?.spec?.tls?.length > 0, 'Ingress: TLS section');
check(
  hpa?.spec?.scaleTargetRef?.kind === 'Deployment' &&
    hpa?.spec?.scaleTargetRef?.name === deployment?.metadata?.name,
  'HPA targets the Deployment',
);
check(hpa?.spec?.minReplicas === 2 && hpa?.spec?.maxReplicas === 10, 'HPA 2–10 replicas');
const cpu = (hpa?.spec?.metrics ?? []).find((m) => m.resource?.name === 'cpu');
check(cpu?.resource?.target?.averageUtilization === 70, 'HPA CPU target 70%');
check(matches(pdb?.spec?.selector?.matchLabels), 'PDB selector matches the pods');
const jobContainer = job?.spec?.template?.spec?.containers?.[0];
check(jobContainer?.image === container?.image, 'migration Job uses the Deployment image');
const jobCmd = (jobContainer?.command ?? []).join(' ');
const migrateCli = join(root, 'apps/server/src/db/migrate.cli.ts');
check(jobCmd === 'node apps/server/dist/db/migrate.cli.js', 'migration Job runs the migrate-only command');
check(
  existsSync(migrateCli) && /migratePostgres\(/.test(readFileSync(migrateCli, 'utf8')),
  'apps/server/src/db/migrate.cli.ts migrates PostgreSQL',
);
check(
  job?.spec?.template?.spec?.restartPolicy === 'Never' ||
    job?.spec?.template?.spec?.restartPolicy === 'OnFailure',
  'Job restartPolicy Never/OnFailure',
);

// ---------------------------------------------------------------------------------------------
section('docker-compose.yml');
const composeFile = join(deployDir, 'docker-compose.yml');
const [compose] = docsByFile.get(composeFile) ?? [{}];
const services = compose?.services ?? {};
for (const s of ['postgres', 'redis', 'app1', 'app2', 'nginx']) check(Boolean(services[s]), `service ${s}`);
check(/^postgres:16/.test(services.postgres?.image ?? ''), 'PostgreSQL 16');
check(/^redis:7/.test(services.redis?.image ?? ''), 'Redis 7');
check(
  Boolean(services.postgres?.healthcheck && services.redis?.healthcheck),
  'PostgreSQL and Redis have healthchecks',
);
check(
  (services.postgres?.volumes ?? []).some((v) => String(v).includes('/var/lib/postgresql/data')),
  'PostgreSQL data on a volume',
);
for (const app of ['app1', 'app2']) {
  const s = services[app] ?? {};
  const env = s.environment ?? {};
  check(s.image === services.app1?.image, `${app}: same image as app1`);
  check(
    Boolean(env.DATABASE_URL && env.REDIS_URL) && /true/.test(String(env.TRUST_PROXY)),
    `${app}: DATABASE_URL, REDIS_URL, TRUST_PROXY=true`,
  );
  check(
    ['postgres', 'redis'].every((d) => s.depends_on?.[d]?.condition === 'service_healthy'),
    `${app}: depends on healthy postgres and redis`,
  );
  const missing = allVars.filter((v) => !(v in env));
  check(missing.length === 0, `${app}: environment lists every variable`, `missing: ${missing.join(', ')}`);
}
const nginxMount = (services.nginx?.volumes ?? []).map(String).find((v) => v.includes('econtrol.conf'));
check(
  Boolean(nginxMount) && existsSync(join(deployDir, nginxMount.split(':')[0])),
  'nginx mounts deploy/nginx/econtrol.conf',
);
const published = Object.entries(services).filter(([name, s]) => name !== 'nginx' && s.ports);
check(published.length === 0, 'only nginx publishes ports', published.map(([n]) => n).join(', '));

// ---------------------------------------------------------------------------------------------
section('nginx/econtrol.conf');
const nginxConfPath = join(deployDir, 'nginx/econtrol.conf');
const nginxConf = readFileSync(nginxConfPath, 'utf8');
const active = nginxConf.replace(/#.*$/gm, '');
check(
  /upstream\s+econtrol\s*\{[^}]*server\s+app1:3000[^}]*server\s+app2:3000/s.test(active),
  'upstream with app1 and app2',
);
check(
  /\n\s*(ip_hash|hash\s+\S+(\s+consistent)?|sticky)\s*;/.test(active),
  'sticky sessions (ip_hash / hash / sticky)',
);
check(/proxy_http_version\s+1\.1;/.test(active), 'proxy_http_version 1.1');
check(
  /proxy_set_header\s+Upgrade\s+\$http_upgrade;/.test(active) &&
    /proxy_set_header\s+Connection\s+\$connection_upgrade;/.test(active),
  'Upgrade / Connection headers',
);
check(
  /location\s+\/socket\.io\/[^}]*proxy_read_timeout\s+(\d{4,})s/s.test(active),
  'long read timeout on /socket.io/',
);
check(
  /#\s*listen 443 ssl/.test(nginxConf) && /#\s*ssl_certificate\s+\/etc\/nginx\/certs\//.test(nginxConf),
  'TLS-ready: commented 443 block with certificate paths',
);
const nginxBin =
  ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find(existsSync) ?? which('nginx');
if (nginxBin) {
  const dir = mkdtempSync(join(tmpdir(), 'econtrol-nginx-'));
  try {
    // the upstream hosts only resolve inside compose; point them to loopback for the syntax test
    writeFileSync(
      join(dir, 'econtrol.conf'),
      nginxConf.replace(/server\s+app(\d):3000/g, (_m, n) => `server 127.0.0.${n}:3000`),
    );
    const types = ['/etc/nginx/mime.types'].find(existsSync);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  ${types ? `include ${types};` : ''}\n  access_log off;\n  client_body_temp_path ${dir};\n  proxy_temp_path ${dir};\n  fastcgi_temp_path ${dir};\n  uwsgi_temp_path ${dir};\n  scgi_temp_path ${dir};\n  include ${dir}/econtrol.conf;\n}\n`,
    );
    const r = spawnSync(nginxBin, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
    check(
      r.status === 0,
      `nginx -t (${nginxBin})`,
      (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | '),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else skip('nginx -t (nginx is not installed; e.g. apt-get install nginx-light)');

// ---------------------------------------------------------------------------------------------
section('docker compose config');
const envFile = join(deployDir, '.env.example');
const v2 = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
if (v2.status === 0) {
  const r = spawnSync('docker', ['compose', '-f', composeFile, '--env-file', envFile, 'config', '-q'], {
    encoding: 'utf8',
  });
  check(r.status === 0, 'docker compose config -q', (r.stderr || r.stdout).trim());
} else if (which('docker-compose')) {
  // compose v1 (Debian's docker-compose 1.29) predates the top-level `name:`; check a copy without it
  const copy = join(deployDir, '.compose-v1-check.yml');
  try {
    writeFileSync(copy, readFileSync(composeFile, 'utf8').replace(/^name:.*$/m, ''));
    const r = spawnSync('docker-compose', ['-f', copy, '--env-file', envFile, 'config', '-q'], {
      encoding: 'utf8',
    });
    check(
      r.status === 0,
      'docker-compose (v1) config -q, on a copy without the top-level name:',
      (r.stderr || r.stdout).trim(),
    );
  } finally {
    rmSync(copy, { force: true });
  }
} else skip('docker compose config (neither the compose plugin nor docker-compose is installed)');

// ---------------------------------------------------------------------------------------------
section('Dockerfile and .dockerignore');
const dockerfile = existsSync(join(root, 'Dockerfile')) ? readFileSync(join(root, 'Dockerfile'), 'utf8') : '';
check(/^ARG NODE_IMAGE=node:24/m.test(dockerfile) || /^FROM node:24/m.test(dockerfile), 'Node 24 base image');
check((dockerfile.match(/^FROM /gm) ?? []).length >= 2, 'multi-stage build');
check(/^EXPOSE 3000$/m.test(dockerfile), 'EXPOSE 3000');
check(/^HEALTHCHECK .*\/health/ms.test(dockerfile), 'HEALTHCHECK on /health');
check(/^USER (?!root)\S+/m.test(dockerfile), 'runs as a non-root user');
check(
  /npm ci --omit=dev/.test(dockerfile) || /npm prune --omit=dev/.test(dockerfile),
  'runtime has production dependencies only',
);
for (const p of [
  'apps/server/dist',
  'apps/server/drizzle',
  'apps/web/out',
  'packages/contracts/dist',
  'packages/billing/dist',
]) {
  check(dockerfile.includes(`COPY --from=build /app/${p} `), `runtime copies ${p}`);
}
const dockerignore = existsSync(join(root, '.dockerignore'))
  ? readFileSync(join(root, '.dockerignore'), 'utf8')
  : '';
for (const p of ['node_modules', '.tools', 'data', 'dist', '.next', 'out', 'artifacts', '.git']) {
  check(new RegExp(`^(\\*\\*/)?${p.replace('.', '\\.')}$`, 'm').test(dockerignore), `.dockerignore: ${p}`);
}

console.log(`\n${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);

function which(bin) {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
