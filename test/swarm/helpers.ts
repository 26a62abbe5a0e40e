// Brokers for the swarm tests: a Debian mosquitto per test on a free loopback port (when
// installed), the reference broker in-process, and the real EMQX 4.4.19 when it answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const hasMosquitto = existsSync(MOSQUITTO);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.on('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve(true);
    });
    s.on('error', () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

export interface Mosquitto {
  url: string;
  port: number;
  /** the broker's log so far (connection and disconnection lines) */
  log(): string;
  stop(): Promise<void>;
}

/** A mosquitto on a free loopback port, with queues large enough that a test's bursts are never dropped by policy. */
export async function startMosquitto(extra: string[] = []): Promise<Mosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hx-mosq-'));
  const logFile = join(dir, 'mosquitto.log');
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0', 'max_inflight_messages 0', `log_dest file ${logFile}`, 'log_type all', 'log_timestamp false', ...extra].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while (!(await portAnswers('127.0.0.1', port, 200))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`mosquitto did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    stop: async () => {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The real EMQX the tests may use: EMQX_MQTT_URL when set, else 127.0.0.1:31883 when it answers. */
export async function realEmqx(): Promise<string | undefined> {
  const url = process.env.EMQX_MQTT_URL ?? 'mqtt://127.0.0.1:31883';
  const u = new URL(url);
  return (await portAnswers(u.hostname, Number(u.port || 1883))) ? url : undefined;
}

/** A run id no other test run shares (topics, client ids). */
export function testRunId(tag: string): string {
  return `t${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
