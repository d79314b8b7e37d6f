import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKS } from '../../checks/index.js';
import { renderJson } from '../../agent/output/json.js';
import { renderJunit } from '../../agent/output/junit.js';
import { renderSarif } from '../../agent/output/sarif.js';
import { renderTable } from '../../agent/output/table.js';
import type { SyntheticHost } from '../helpers/host.js';
import { runnerHost, scanRunner } from './harness.js';

/** Known secrets seeded into configs; none may come out anywhere. */
const SEEDS = {
  glrt: 'glrt-SeedGlrtToken9876543210',
  legacy: 'SeedLegacy0123456789',
  registration: 'GR1348941SeedRegistrationTokenXYZ',
  sshPassword: 'SeedSshPassw0rd!',
  s3Access: 'AKIASEEDACCESSKEY123',
  s3Secret: 'SeedS3SecretKeyAbcdefghijklmnopqrstuvwxyz',
  gcsKey: 'SeedGcsPrivateKeyMaterial',
  azureKey: 'SeedAzureAccountKey==',
  bearer: 'SeedKubernetesBearerToken0123',
  connector: 'SeedConnectorPassword',
  machine: 'SeedMachineSecretKey0987',
  urlPassword: 'SeedUrlPassw0rd',
  authConfig: 'U2VlZFJlZ2lzdHJ5QXV0aA==',
  envToken: 'SeedEnvApiToken55',
  script: 'SeedScriptSecret77',
  sentry: 'seedsentrykey0123456789abcdef',
  brokenToken: 'glrt-SeedTokenInBrokenFile01',
  duplicateToken: 'glrt-SeedTokenInDuplicate001',
  systemId: 's_5eed5eed5eed',
  machineId: '5eed0000000000000000000000005eed',
};

const FULL_CONFIG = `concurrent = 3
listen_address = "0.0.0.0:9252"
sentry_dsn = "https://${SEEDS.sentry}@sentry.example.com/1"

[[runners]]
  name = "seeded-docker"
  url = "https://ci:${SEEDS.urlPassword}@gitlab.example.com/"
  token = "${SEEDS.glrt}"
  executor = "docker"
  environment = ["DOCKER_AUTH_CONFIG={\\"auths\\":{\\"r.example.com\\":{\\"auth\\":\\"${SEEDS.authConfig}\\"}}}", "API_TOKEN=${SEEDS.envToken}"]
  pre_build_script = "echo ${SEEDS.script} > /tmp/x"
  [runners.docker]
    image = "alpine"
    privileged = true
  [runners.cache]
    Type = "s3"
    [runners.cache.s3]
      AccessKey = "${SEEDS.s3Access}"
      SecretKey = "${SEEDS.s3Secret}"
    [runners.cache.gcs]
      PrivateKey = "${SEEDS.gcsKey}"
    [runners.cache.azure]
      AccountKey = "${SEEDS.azureKey}"

[[runners]]
  name = "seeded-ssh"
  url = "https://gitlab.example.com/"
  token = "${SEEDS.legacy}"
  executor = "ssh"
  [runners.ssh]
    host = "10.0.0.9"
    password = "${SEEDS.sshPassword}"
    disable_strict_host_key_checking = true

[[runners]]
  name = "seeded-k8s"
  url = "https://gitlab.example.com/"
  token = "${SEEDS.registration}"
  executor = "kubernetes"
  [runners.kubernetes]
    bearer_token = "${SEEDS.bearer}"

[[runners]]
  name = "seeded-machine"
  url = "https://gitlab.example.com/"
  token = "${SEEDS.glrt}"
  executor = "docker+machine"
  [runners.machine]
    MachineOptions = ["amazonec2-secret-key=${SEEDS.machine}"]
  [runners.autoscaler.connector_config]
    password = "${SEEDS.connector}"
`;

let host: SyntheticHost | undefined;
afterEach(() => host?.cleanup());

describe('seeded secrets never leave the agent', () => {
  it('appear nowhere in facts, results, any output format or the log', async () => {
    host = runnerHost({
      '/etc/gitlab-runner/config.toml': FULL_CONFIG,
      '/etc/gitlab-runner/.runner_system_id': SEEDS.systemId,
      // A syntax error right after a token, and a duplicate key holding a token: parser messages quote such lines.
      '/home/u/.gitlab-runner/config.toml': `[[runners]]\n  token = "${SEEDS.brokenToken}\n  executor = "shell"\n`,
      '/root/.gitlab-runner/config.toml': `[[runners]]\n  token = "${SEEDS.duplicateToken}"\n  token = "${SEEDS.duplicateToken}"\n`,
    }).withIdentity('runner-01', SEEDS.machineId);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ level: 'trace' }, sink);
    const { facts, result } = await scanRunner(host, { log });
    log.info({ facts: facts.domains.runner }, 'facts as the daemon would log them');

    // The scan did see them: findings exist for each kind of secret, and the tokens are fingerprinted.
    expect(result.findings.filter((f) => f.checkId === 'plaintext-secrets-in-config').length).toBeGreaterThanOrEqual(10);
    expect(result.findings.some((f) => f.checkId === 'runner-token-cloned')).toBe(true);
    expect(facts.domains.runner?.errors.map((e) => e.kind).sort()).toEqual(['duplicate-key', 'syntax']);
    expect(lines.length).toBeGreaterThan(0);

    const outputs = {
      facts: JSON.stringify(facts),
      json: renderJson(result),
      sarif: renderSarif(result, CHECKS),
      junit: renderJunit(result),
      table: renderTable(result, { color: false, verbose: true }),
      log: lines.join(''),
    };
    for (const [name, text] of Object.entries(outputs)) {
      for (const [seed, value] of Object.entries(SEEDS)) {
        expect({ output: name, seed, leaked: text.includes(value) }).toEqual({ output: name, seed, leaked: false });
      }
    }
  });
});
