import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/daemon/agent.js';
import type { CheckResult, Finding } from '../../agent/core/finding.js';
import { Receiver } from './helpers/receiver.js';
import { finding, result } from './helpers/scan-result.js';

const fixture = (name: string): string => path.join(import.meta.dirname, 'fixtures', name);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

interface Line {
  level: number;
  event: string;
  [field: string]: unknown;
}

/** An agent whose scan child returns whatever result.json in its (fake) scan root holds. */
class Harness {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-agent-unit-'));
  readonly root = path.join(this.dir, 'root');
  readonly stateDir = path.join(this.dir, 'state');
  readonly configPath = path.join(this.dir, 'config.toml');
  readonly lines: Line[] = [];

  constructor(private readonly childEntry = fixture('fake-scan-child.mjs')) {
    dirs.push(this.dir);
    fs.mkdirSync(this.root);
    this.writeConfig('*/10 * * * *');
  }

  writeConfig(schedule: string): void {
    fs.writeFileSync(this.configPath, `[scan]\nroot = ${JSON.stringify(this.root)}\n[agent]\nschedule = ${JSON.stringify(schedule)}\nsplay_seconds = 0\n`);
  }

  setScan(findings: Finding[], checks: Array<[string, CheckResult['status']]>): void {
    fs.writeFileSync(path.join(this.root, 'result.json'), JSON.stringify(result(findings, checks)));
  }

  agent(random?: () => number): Agent {
    return Agent.create({
      configPath: this.configPath,
      stateDir: this.stateDir,
      childEntry: this.childEntry,
      ...(random ? { random } : {}),
      logStream: { write: (line: string) => void this.lines.push(JSON.parse(line) as Line) },
    });
  }

  /** One scan with a fresh agent (as after a restart); returns the lines it logged. */
  async scanWithNewAgent(): Promise<Line[]> {
    const before = this.lines.length;
    const agent = this.agent();
    await agent.scanOnce();
    await agent.stop();
    return this.lines.slice(before);
  }
}

const findingEvents = (lines: Line[]): string[] =>
  lines
    .filter((line) => line.event.startsWith('finding.'))
    .map((line) => `${line.event}:${String(line.fingerprint)}`)
    .sort();

describe('agent schedule', () => {
  it('never runs two scans at once: a scan due while one runs waits, and the log says so', async () => {
    const harness = new Harness(fixture('slow-scan-child.mjs'));
    harness.writeConfig('* * * * * *'); // every second, while each scan takes 1.5 s
    harness.setScan([], []);
    const agent = harness.agent();
    agent.start();
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await agent.stop();
    const marks = fs
      .readFileSync(path.join(harness.root, 'runs.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0]);
    // Strictly alternating start/end: no scan started before the previous one ended.
    marks.forEach((mark, index) => expect(mark).toBe(index % 2 === 0 ? 'start' : 'end'));
    expect(marks.filter((mark) => mark === 'start').length).toBeGreaterThanOrEqual(2);
    expect(harness.lines.filter((line) => line.event === 'scan.delayed').length).toBeGreaterThan(0);
    expect(harness.lines.filter((line) => line.event === 'scan.summary').length).toBeGreaterThanOrEqual(2);
  }, 30_000);
});

describe('agent splay', () => {
  /** Seconds between the start scan and the first scheduled one, for a given random draw. */
  async function gapToScheduledScan(draw: number): Promise<number> {
    const harness = new Harness(fixture('slow-scan-child.mjs'));
    fs.writeFileSync(harness.configPath, `[scan]\nroot = ${JSON.stringify(harness.root)}\n[agent]\nschedule = "* * * * * *"\nsplay_seconds = 4\n`);
    harness.setScan([], []);
    const agent = harness.agent(() => draw);
    agent.start();
    const runs = path.join(harness.root, 'runs.log');
    const starts = (): number[] => (fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').split('\n').filter((line) => line.startsWith('start')).map((line) => Number(line.split(' ')[1])) : []);
    const deadline = Date.now() + 20_000;
    while (starts().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await agent.stop();
    const [first, second] = starts();
    return ((second ?? Number.NaN) - (first ?? 0)) / 1000;
  }

  it('delays each scheduled scan by a random part of splay_seconds', async () => {
    // The start scan takes 1.5 s; ticks come every second. Without splay the next scan follows at
    // once (it was due meanwhile); with a draw of 0.9 of 4 s it waits 3.6 s after a tick.
    const none = await gapToScheduledScan(0);
    const most = await gapToScheduledScan(0.9);
    expect(none).toBeLessThan(2.6);
    expect(most).toBeGreaterThanOrEqual(3.6);
  }, 60_000);
});

describe('agent differential results across restarts', () => {
  it('a restart does not re-open; a lost state dir re-sends once, flagged', async () => {
    const harness = new Harness();
    harness.setScan([finding('f1', 'c-a', 'critical'), finding('f2', 'c-b', 'medium')], [['c-a', 'fail'], ['c-b', 'fail']]);

    const first = await harness.scanWithNewAgent();
    expect(findingEvents(first)).toEqual(['finding.opened:f1', 'finding.opened:f2']);
    expect(first.find((line) => line.event === 'finding.opened')?.full_resend).toBe(true);

    const afterRestart = await harness.scanWithNewAgent();
    expect(findingEvents(afterRestart)).toEqual([]);
    expect(afterRestart.find((line) => line.event === 'scan.summary')).toMatchObject({ full_resend: false, counts: { open: 2, opened: 0 } });

    harness.setScan([finding('f2', 'c-b', 'medium')], [['c-a', 'pass'], ['c-b', 'fail']]);
    expect(findingEvents(await harness.scanWithNewAgent())).toEqual(['finding.resolved:f1']);

    fs.rmSync(harness.stateDir, { recursive: true });
    const resend = await harness.scanWithNewAgent();
    expect(findingEvents(resend)).toEqual(['finding.opened:f2']);
    expect(resend.filter((line) => line.event.startsWith('finding.') || line.event === 'scan.summary').every((line) => line.full_resend === true)).toBe(true);
    expect(findingEvents(await harness.scanWithNewAgent())).toEqual([]);
  });

  it('logs one JSON event per line with the documented fields and severity as the level', async () => {
    const harness = new Harness();
    harness.setScan([finding('f1', 'c-a', 'critical'), finding('f2', 'c-a', 'medium'), finding('f3', 'c-a', 'low', { reason: 'accepted' })], [['c-a', 'fail']]);
    const lines = await harness.scanWithNewAgent();
    const opened = lines.filter((line) => line.event === 'finding.opened');
    for (const line of opened) {
      expect(line).toMatchObject({ schema: 'runner-warden.event/1', host: 'runner-07', check_id: 'c-a', subject: { kind: 'runner' }, runner: { name: 'r1' } });
      expect(typeof line.event_id).toBe('string');
      expect(typeof line.fingerprint).toBe('string');
      expect(typeof line.message).toBe('string');
      expect(typeof line.time).toBe('string');
    }
    expect(opened.map((line) => [line.severity, line.level])).toEqual([
      ['critical', 60],
      ['medium', 40],
    ]);
    expect(lines.find((line) => line.event === 'finding.suppressed')).toMatchObject({ level: 30, reason: 'accepted' });
  });

  it('reports a scan child that crashed as scan.failed at error level', async () => {
    const harness = new Harness(fixture('crash-child.mjs'));
    const lines = await harness.scanWithNewAgent();
    const failed = lines.find((line) => line.event === 'scan.failed');
    expect(failed).toMatchObject({ level: 50, reason: 'crashed' });
    expect(JSON.stringify(lines)).not.toContain('CRASHCANARY');
  });

  it('reload keeps the running config when the new one is bad, and applies a good one', async () => {
    const harness = new Harness();
    harness.setScan([], []);
    const agent = harness.agent();
    fs.writeFileSync(harness.configPath, '[agent]\nschedule = "not a cron"\n');
    await agent.reload();
    fs.writeFileSync(harness.configPath, '[agent\nbroken toml');
    await agent.reload();
    const rejected = harness.lines.filter((line) => line.event === 'config.rejected');
    expect(rejected).toHaveLength(2);
    expect(rejected.every((line) => line.level === 50)).toBe(true);
    expect(String(rejected[0]?.message)).toMatch(/agent\.schedule/);
    harness.writeConfig('*/5 * * * *');
    await agent.reload();
    expect(harness.lines.find((line) => line.event === 'config.reloaded')).toMatchObject({ schedule: '*/5 * * * *' });
    await agent.stop();
  });

  it('reload re-reads the token file, so a rotated token takes effect on SIGHUP', async () => {
    const harness = new Harness();
    harness.setScan([finding('f1', 'c-a')], [['c-a', 'fail']]);
    const server = await new Receiver().listen();
    const tokenFile = path.join(harness.dir, 'token');
    fs.writeFileSync(tokenFile, 'first-token\n');
    const withShipping = `${fs.readFileSync(harness.configPath, 'utf8')}[agent.ship]\nurl = "${server.url}"\ntoken_file = ${JSON.stringify(tokenFile)}\ninterval_seconds = 0.1\n`;
    fs.writeFileSync(harness.configPath, withShipping);
    const agent = harness.agent();
    await agent.scanOnce();
    expect(await agent.drain(10_000)).toBe(true);
    fs.writeFileSync(tokenFile, 'second-token\n');
    await agent.reload();
    harness.setScan([], [['c-a', 'pass']]);
    await agent.scanOnce();
    expect(await agent.drain(10_000)).toBe(true);
    await agent.stop();
    await server.close();
    const tokens = server.requests.map((request) => request.headers.authorization);
    expect(tokens[0]).toBe('Bearer first-token');
    expect(tokens.at(-1)).toBe('Bearer second-token');
    expect([...server.events.values()].map((event) => event.event)).toEqual(['finding.opened', 'scan.summary', 'finding.resolved', 'scan.summary']);
  });
});
