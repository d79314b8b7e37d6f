import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, AgentSandbox } from './helpers/agent-process.js';
import { ensureBuilt } from './helpers/build.js';
import { freePort, Receiver } from './helpers/receiver.js';

const tag = randomBytes(6).toString('hex');
const secrets = {
  runnerToken: `glrt-CANARYRUN${tag}xyzXYZ`,
  jobTokenUrl: `CANARYURLPW${tag}`,
  registryPassword: `CANARYREG${tag}`,
  bearer: `CANARYBEARER${tag}QQQ`,
  envToken: `CANARYENV${tag}`,
};
const { privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pemBody = pem.split('\n')[1] ?? '';

let box: AgentSandbox;
let server: Receiver;
let agent: AgentProcess;
let spoolSnapshot = '';
let logFile: string;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((name) => path.join(dir, name)).filter((file) => fs.statSync(file).isFile());
}

beforeAll(async () => {
  ensureBuilt();
  box = new AgentSandbox();
  const registryAuth = Buffer.from(`deploy:${secrets.registryPassword}`).toString('base64');
  box.host
    .write('/etc/gitlab-runner/config.toml', {
      content: [
        'concurrent = 2',
        '[[runners]]',
        '  name = "canary-runner"',
        `  url = "https://gitlab-ci-token:${secrets.jobTokenUrl}@gitlab.example.com"`,
        `  token = "${secrets.runnerToken}"`,
        '  executor = "docker"',
        `  environment = ["DOCKER_AUTH_CONFIG={\\"auths\\":{\\"r.example.com\\":{\\"auth\\":\\"${registryAuth}\\"}}}", "DEPLOY_TOKEN=${secrets.envToken}"]`,
        '  [runners.docker]',
        '    image = "alpine:3"',
        '    privileged = true',
        '',
      ].join('\n'),
      mode: 0o644,
    })
    .write('/root/.docker/config.json', JSON.stringify({ auths: { 'r.example.com': { auth: registryAuth } } }))
    .write('/etc/ssh/ssh_host_ed25519_key', { content: pem, mode: 0o644 })
    .write('/home/gitlab-runner/.ssh/id_ed25519', { content: pem, mode: 0o644 });
  const tokenFile = path.join(box.dir, 'token');
  fs.writeFileSync(tokenFile, `${secrets.bearer}\n`, { mode: 0o600 });
  logFile = path.join(box.dir, 'log', 'agent.log');
  const port = await freePort();
  box.writeConfig({ log_file: logFile }, { url: `http://127.0.0.1:${port}/ingest`, token_file: tokenFile, backoff_base_seconds: 0.05, backoff_max_seconds: 0.5, interval_seconds: 0.1, gzip: true });
  agent = AgentProcess.start(box);
  await agent.waitFor(() => agent.events('scan.summary').length >= 2, 90_000, 'two scans with the endpoint down');
  spoolSnapshot = filesUnder(box.stateDir)
    .map((file) => fs.readFileSync(file).toString('latin1'))
    .join('\n');
  server = await new Receiver().listen(port);
  await agent.waitFor(() => server.events.size > 0 && agent.events('scan.summary').length >= 3, 90_000, 'delivery');
  agent.kill('SIGTERM');
  await agent.exited;
}, 240_000);

afterAll(async () => {
  if (agent && agent.child.exitCode === null && agent.child.signalCode === null) agent.kill('SIGKILL');
  await server?.close();
  box?.cleanup();
});

describe('no secret leaves the agent', () => {
  const forms = (secret: string): string[] => [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex'), encodeURIComponent(secret)];
  const needles = [...Object.values(secrets).flatMap(forms), pemBody, 'PRIVATE KEY-----'];

  it('shipped something and spooled it while the endpoint was down (so the search below looks at real data)', () => {
    expect(server.requests.length).toBeGreaterThan(0);
    expect(spoolSnapshot.length).toBeGreaterThan(0);
    expect(fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(3);
  });

  it('the bearer token goes only in the Authorization header', () => {
    for (const request of server.requests) expect(request.headers.authorization).toBe(`Bearer ${secrets.bearer}`);
  });

  it.each([
    ['stdout (log lines)', () => agent.stdout],
    ['stderr', () => agent.stderr],
    ['the log file', () => fs.readFileSync(logFile, 'utf8')],
    ['the state dir and spool while undelivered', () => spoolSnapshot],
    ['the state dir after the run', () => filesUnder(box.stateDir).map((file) => fs.readFileSync(file).toString('latin1')).join('\n')],
    ['request bodies', () => server.requests.map((request) => request.text).join('\n')],
    ['request headers other than Authorization', () => server.requests.map((request) => JSON.stringify({ ...request.headers, authorization: undefined })).join('\n')],
  ])('none in %s', (_where, read) => {
    const text = read();
    for (const needle of needles) expect(text.includes(needle), `found ${needle.slice(0, 12)}…`).toBe(false);
  });
});
