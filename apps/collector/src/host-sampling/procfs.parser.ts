import type { CpuCounters, DiskCounters, MemoryUsage, NetworkCounters } from './host-sample';

/** Bytes per sector in /proc/diskstats, whatever the device's real sector size (Linux Documentation/iostats). */
const DISKSTATS_SECTOR_BYTES = 512;

/**
 * Parses /proc/stat's `cpu` lines (USER_HZ ticks: user nice system idle iowait irq softirq steal ...). Idle counts
 * `idle + iowait`; total counts the first eight fields (guest time is already inside user and nice). The same
 * definition as top's %CPU, so steal on a VM counts as busy.
 */
export function parseProcStat(text: string): { total: CpuCounters; cores: CpuCounters[] } | undefined {
  let total: CpuCounters | undefined;
  const cores: CpuCounters[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const fields = line.trim().split(/\s+/);
    const label = fields[0] ?? '';
    const values = fields.slice(1, 9).map(Number);
    if (values.length < 4 || values.some((value) => !Number.isFinite(value))) continue;
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const counters = { idle, total: values.reduce((sum, value) => sum + value, 0) };
    if (label === 'cpu') total = counters;
    else if (/^cpu\d+$/.test(label)) cores[Number(label.slice(3))] = counters;
  }
  return total ? { total, cores: cores.filter((core) => core !== undefined) } : undefined;
}

/** Parses /proc/net/dev: bytes and errors received and transmitted per interface. */
export function parseProcNetDev(text: string): NetworkCounters[] {
  const out: NetworkCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.lastIndexOf(':');
    if (colon === -1 || line.includes('|')) continue;
    const iface = line.slice(0, colon).trim();
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    // receive: bytes packets errs drop fifo frame compressed multicast | transmit: bytes packets errs ...
    if (iface === '' || fields.length < 11 || fields.some((value) => !Number.isFinite(value))) continue;
    out.push({
      iface,
      rxBytes: fields[0]!,
      rxErrors: fields[2]!,
      txBytes: fields[8]!,
      txErrors: fields[10]!,
    });
  }
  return out;
}

/**
 * Parses /proc/diskstats (major minor name reads merged sectors_read ms writes merged sectors_written ...) into bytes
 * read and written, for the devices `include` accepts.
 */
export function parseProcDiskstats(text: string, include: (device: string) => boolean): DiskCounters[] {
  const out: DiskCounters[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const device = fields[2];
    if (fields.length < 10 || device === undefined || !include(device)) continue;
    const sectorsRead = Number(fields[5]);
    const sectorsWritten = Number(fields[9]);
    if (!Number.isFinite(sectorsRead) || !Number.isFinite(sectorsWritten)) continue;
    out.push({
      device,
      readBytes: sectorsRead * DISKSTATS_SECTOR_BYTES,
      writeBytes: sectorsWritten * DISKSTATS_SECTOR_BYTES,
    });
  }
  return out;
}

/** Block devices that are not storage a user thinks of as a disk: loop mounts, RAM disks, zram swap, floppies, CD. */
export function isVirtualBlockDevice(device: string): boolean {
  return /^(loop|ram|zram|fd|sr)\d+$/.test(device);
}

/** Parses /proc/meminfo (`Name: value kB`) into bytes: MemTotal, MemAvailable, SwapTotal, SwapFree. */
export function parseProcMeminfo(text: string): MemoryUsage | undefined {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(\d+)/.exec(line);
    if (match) kib.set(match[1]!, Number(match[2]));
  }
  const total = kib.get('MemTotal');
  // MemAvailable exists since Linux 3.14; before it, free + page cache is the usual estimate
  const available = kib.get('MemAvailable') ?? (kib.get('MemFree') ?? 0) + (kib.get('Cached') ?? 0);
  if (total === undefined) return undefined;
  const swapTotal = kib.get('SwapTotal') ?? 0;
  return {
    totalBytes: total * 1024,
    availableBytes: available * 1024,
    swapTotalBytes: swapTotal * 1024,
    swapUsedBytes: (swapTotal - (kib.get('SwapFree') ?? swapTotal)) * 1024,
  };
}

/** File systems without a block device that still hold data a user can fill. */
const DEVICELESS_STORAGE: ReadonlySet<string> = new Set(['zfs', 'nfs', 'nfs4', 'cifs', 'smb3', 'overlay']);
/** Read-only images: always 100 % full, never worth a series. */
const IMAGE_FILESYSTEMS: ReadonlySet<string> = new Set(['squashfs', 'iso9660', 'erofs']);

/**
 * The mount points of storage from /proc/self/mounts (`source mountpoint fstype options ...`): file systems on a
 * block device (`/dev/...`) or one of {@link DEVICELESS_STORAGE}; not proc, sysfs, cgroup, tmpfs and other in-memory
 * file systems, nor read-only images. What `df` lists, without running it. Mount points are unescaped (`\040` is a
 * space) and listed once each.
 */
export function parseProcMounts(text: string): string[] {
  const mounts = new Set<string>();
  for (const line of text.split('\n')) {
    const [source, mount, fstype] = line.split(' ');
    if (source === undefined || mount === undefined || fstype === undefined) continue;
    if (IMAGE_FILESYSTEMS.has(fstype)) continue;
    if (!source.startsWith('/dev/') && !DEVICELESS_STORAGE.has(fstype)) continue;
    mounts.add(mount.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
  }
  return [...mounts];
}
