// Debian's mosquitto on a free loopback port, for the swarm's tests and its benchmark: a real
// MQTT broker we did not write.
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
  pid: number;
  /** the broker's log so far (connection and disconnection lines) */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A mosquitto on a free loopback port, with queues large enough that bursts are never dropped
 * by policy. Tests keep its log; the benchmark (`bench: true`) lifts the connection cap, logs
 * nothing and raises the open-file limit to the hard limit.
 */
export async function startMosquitto(extra: string[] = [], opts: { bench?: boolean } = {}): Promise<Mosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), opts.bench ? 'hx-bench-mosq-' : 'hx-mosq-'));
  const logFile = join(dir, 'mosquitto.log');
  const conf = join(dir, 'mosquitto.conf');
  const logging = opts.bench ? ['max_connections -1', 'log_dest none'] : [`log_dest file ${logFile}`, 'log_type all', 'log_timestamp false'];
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0', 'max_inflight_messages 0', ...logging, ...extra].join('\n') + '\n');
  const child: ChildProcess = opts.bench
    ? spawn('bash', ['-c', `ulimit -n $(ulimit -Hn) 2>/dev/null; exec ${MOSQUITTO} -c ${conf}`], { stdio: 'ignore' })
    : spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while (!(await portAnswers('127.0.0.1', port, 200))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`mosquitto did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
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

