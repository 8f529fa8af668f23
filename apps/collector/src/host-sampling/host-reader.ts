import { readdir, readFile, statfs } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import type {
  CpuCounters,
  DiskCounters,
  FilesystemUsage,
  HostSample,
  MemoryUsage,
  NetworkCounters,
} from './host-sample';
import {
  isVirtualBlockDevice,
  parseProcDiskstats,
  parseProcMeminfo,
  parseProcMounts,
  parseProcNetDev,
  parseProcStat,
} from './procfs.parser';

/** The parts of a sample, named for `onSourceError` and the `source` label of the error counter. */
export type HostSource = 'cpu' | 'load' | 'memory' | 'filesystems' | 'disks' | 'networks' | 'processes';

export interface HostReaderOptions {
  /** Default `process.platform`; anything but `linux` uses systeminformation's portable readers. */
  readonly platform?: NodeJS.Platform;
  /** How often the list of mounted filesystems and block devices is refreshed; default 5 minutes. */
  readonly discoveryIntervalMs?: number;
  /** A source failed this tick (its metrics are left out of this sample only). */
  readonly onSourceError?: (source: HostSource, error: unknown) => void;
}

/**
 * Reads the host with as little work per tick as possible, because the collector must stay cheap:
 *
 * - Discovery (the mounted file systems from /proc/self/mounts, the block devices from /sys/block) happens at start
 *   and every `discoveryIntervalMs`; each tick then asks the kernel directly (`statfs` per mount).
 * - On Linux everything comes from one read each of /proc/stat, /proc/meminfo, /proc/net/dev and /proc/diskstats,
 *   and the process count from listing /proc: no child processes, ever (systeminformation would start `df` for the
 *   mounts, several shells per tick for CPU, disk and network statistics, and `ps` for the process list).
 * - Elsewhere systeminformation is loaded (only then) and its `fsSize`, `mem`, `networkStats`, `fsStats` and
 *   `processes` are used, with CPU times from `os.cpus()`.
 *
 * Each source is read independently: one that fails is reported and left out of that sample.
 */
export class HostReader {
  private readonly linux: boolean;
  private readonly discoveryIntervalMs: number;
  private mounts: string[] = [];
  private blockDevices = new Set<string>();
  private discoveredAt = -Infinity;

  constructor(private readonly options: HostReaderOptions = {}) {
    this.linux = (options.platform ?? process.platform) === 'linux';
    this.discoveryIntervalMs = options.discoveryIntervalMs ?? 5 * 60_000;
  }

  async read(): Promise<HostSample> {
    const takenAtMs = Date.now();
    const monotonicMs = performance.now();
    if (monotonicMs - this.discoveredAt >= this.discoveryIntervalMs) await this.discover();
    const [cpu, load, memory, filesystems, disks, networks, processCount] = await Promise.all([
      this.guard('cpu', () => this.readCpu()),
      this.guard('load', async () => loadavg() as [number, number, number]),
      this.guard('memory', () => this.readMemory()),
      this.guard('filesystems', () => this.readFilesystems()),
      this.guard('disks', () => this.readDisks()),
      this.guard('networks', () => this.readNetworks()),
      this.guard('processes', () => this.countProcesses()),
    ]);
    const usage = process.cpuUsage();
    return {
      takenAtMs,
      monotonicMs,
      ...(cpu ? { cpu } : {}),
      ...(load ? { load } : {}),
      ...(memory ? { memory } : {}),
      filesystems: filesystems ?? [],
      disks: disks ?? [],
      networks: networks ?? [],
      ...(processCount !== undefined ? { processCount } : {}),
      self: { cpuMicros: usage.user + usage.system, rssBytes: process.memoryUsage.rss() },
    };
  }

  /** Finds the mounted filesystems and, on Linux, the whole-disk block devices. */
  private async discover(): Promise<void> {
    this.discoveredAt = performance.now();
    await this.guard('filesystems', async () => {
      if (this.linux) {
        this.mounts = parseProcMounts(await readFile('/proc/self/mounts', 'utf8'));
        return;
      }
      const found = await (await portable()).fsSize();
      this.mounts = [...new Set(found.map((fs) => fs.mount).filter((mount) => mount !== ''))];
    });
    if (this.linux) {
      await this.guard('disks', async () => {
        // /sys/block lists whole disks only (partitions live below them): no double counting of a partition's bytes
        const devices = await readdir('/sys/block');
        this.blockDevices = new Set(devices.filter((device) => !isVirtualBlockDevice(device)));
      });
    }
  }

  private async readCpu(): Promise<{ total: CpuCounters; cores: CpuCounters[] } | undefined> {
    if (this.linux) return parseProcStat(await readFile('/proc/stat', 'utf8'));
    const cores = cpus().map(({ times }) => ({
      idle: times.idle,
      total: times.user + times.nice + times.sys + times.idle + times.irq,
    }));
    const total = cores.reduce((sum, core) => ({ idle: sum.idle + core.idle, total: sum.total + core.total }), {
      idle: 0,
      total: 0,
    });
    return cores.length > 0 ? { total, cores } : undefined;
  }

  private async readMemory(): Promise<MemoryUsage | undefined> {
    if (this.linux) return parseProcMeminfo(await readFile('/proc/meminfo', 'utf8'));
    const memory = await (await portable()).mem();
    return {
      totalBytes: memory.total,
      availableBytes: memory.available,
      swapTotalBytes: memory.swaptotal,
      swapUsedBytes: memory.swapused,
    };
  }

  private async readFilesystems(): Promise<FilesystemUsage[]> {
    const results = await Promise.allSettled(
      this.mounts.map(async (mount) => {
        const stats = await statfs(mount);
        return {
          mount,
          totalBytes: stats.blocks * stats.bsize,
          usedBytes: (stats.blocks - stats.bfree) * stats.bsize,
          availableBytes: stats.bavail * stats.bsize,
        };
      }),
    );
    // A mount that went away fails until the next discovery drops it; the others are still reported.
    return results.flatMap((result) =>
      result.status === 'fulfilled' && result.value.totalBytes > 0 ? [result.value] : [],
    );
  }

  private async readDisks(): Promise<DiskCounters[]> {
    if (this.linux) {
      const devices = this.blockDevices;
      return parseProcDiskstats(await readFile('/proc/diskstats', 'utf8'), (device) => devices.has(device));
    }
    const stats = await (await portable()).fsStats();
    return stats ? [{ device: 'all', readBytes: stats.rx, writeBytes: stats.wx }] : [];
  }

  private async readNetworks(): Promise<NetworkCounters[]> {
    if (this.linux) return parseProcNetDev(await readFile('/proc/net/dev', 'utf8'));
    const stats = await (await portable()).networkStats('*');
    return stats.map((stat) => ({
      iface: stat.iface,
      rxBytes: stat.rx_bytes,
      txBytes: stat.tx_bytes,
      rxErrors: stat.rx_errors,
      txErrors: stat.tx_errors,
    }));
  }

  private async countProcesses(): Promise<number> {
    if (this.linux) {
      const entries = await readdir('/proc');
      let count = 0;
      for (const entry of entries) if (entry.charCodeAt(0) >= 48 && entry.charCodeAt(0) <= 57) count++;
      return count;
    }
    return (await (await portable()).processes()).all;
  }

  private async guard<T>(source: HostSource, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.options.onSourceError?.(source, error);
      return undefined;
    }
  }
}

/** systeminformation, loaded on first use: Linux never needs it, so it costs a Linux collector no memory. */
async function portable(): Promise<typeof import('systeminformation')> {
  return import('systeminformation');
}
