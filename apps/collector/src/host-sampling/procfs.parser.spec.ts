import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isVirtualBlockDevice,
  parseProcDiskstats,
  parseProcMeminfo,
  parseProcMounts,
  parseProcNetDev,
  parseProcStat,
} from './procfs.parser';

// Captured from a Linux 6.x VM (2 vCPUs).
const PROC_STAT = `cpu  146332 0 22807 67175 829 0 481 841 0 0
cpu0 72517 0 10814 35210 174 0 140 413 0 0
cpu1 73814 0 11992 31964 654 0 341 428 0 0
intr 1869060 0 0 0
ctxt 4133412
btime 1764217000
processes 24171
`;

const PROC_NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1829266893   63061    0    0    0     0          0         0 1829266893   63061    0    0    0     0       0          0
  eth0: 724926980   21342    3    0    0     0          0         0  2217772   14538    7    0    0     0       0          0
`;

const PROC_DISKSTATS = `   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 41309 7880 3117722 26214 18659 55154 3785656 33548 0 10596 62298 7349 104 368384 1461 2110 1073
 254       1 vda1 41000 7800 3100000 26000 18600 55000 3780000 33500 0 10500 62000 7300 100 368000 1400 2100 1000
 253       0 zram0 10 0 80 0 0 0 0 0 0 0 0 0 0 0 0 0 0
`;

describe('parseProcStat', () => {
  it('reads total and per-core counters, counting iowait as idle and steal as busy', () => {
    const parsed = parseProcStat(PROC_STAT);
    assert.deepEqual(parsed?.total, {
      idle: 67175 + 829,
      total: 146332 + 0 + 22807 + 67175 + 829 + 0 + 481 + 841,
    });
    assert.equal(parsed?.cores.length, 2);
    assert.deepEqual(parsed?.cores[1], { idle: 31964 + 654, total: 73814 + 11992 + 31964 + 654 + 341 + 428 });
  });

  it('is undefined without a cpu line', () => {
    assert.equal(parseProcStat('intr 1 2 3\n'), undefined);
  });
});

describe('parseProcNetDev', () => {
  it('reads bytes and errors per interface, skipping the two header lines', () => {
    assert.deepEqual(parseProcNetDev(PROC_NET_DEV), [
      { iface: 'lo', rxBytes: 1829266893, rxErrors: 0, txBytes: 1829266893, txErrors: 0 },
      { iface: 'eth0', rxBytes: 724926980, rxErrors: 3, txBytes: 2217772, txErrors: 7 },
    ]);
  });
});

describe('parseProcDiskstats', () => {
  it('converts sectors to bytes (512 per sector) for the accepted devices', () => {
    assert.deepEqual(
      parseProcDiskstats(PROC_DISKSTATS, (device) => device === 'vda'),
      [{ device: 'vda', readBytes: 3117722 * 512, writeBytes: 3785656 * 512 }],
    );
  });

  it('recognises loop, RAM, zram, floppy and optical devices as virtual', () => {
    assert.deepEqual(
      ['loop0', 'ram1', 'zram0', 'fd0', 'sr0', 'vda', 'nvme0n1', 'dm-0', 'sda'].map(isVirtualBlockDevice),
      [true, true, true, true, true, false, false, false, false],
    );
  });
});

describe('parseProcMeminfo', () => {
  it('reads total, available and swap in bytes (kB × 1024)', () => {
    const text =
      'MemTotal:        4020000 kB\nMemFree:          100000 kB\nMemAvailable:    3000000 kB\nCached: 5 kB\nSwapTotal:       1000 kB\nSwapFree:         400 kB\n';
    assert.deepEqual(parseProcMeminfo(text), {
      totalBytes: 4020000 * 1024,
      availableBytes: 3000000 * 1024,
      swapTotalBytes: 1000 * 1024,
      swapUsedBytes: 600 * 1024,
    });
  });
  it('is undefined without MemTotal', () => {
    assert.equal(parseProcMeminfo('MemFree: 1 kB\n'), undefined);
  });
});

describe('parseProcMounts', () => {
  it('keeps block-device and network/ZFS file systems, leaves out in-memory ones and images, unescapes paths', () => {
    const text = [
      'proc /proc proc rw 0 0',
      'sysfs /sys sysfs rw 0 0',
      'tmpfs /dev/shm tmpfs rw 0 0',
      '/dev/vda / ext4 rw 0 0',
      '/dev/vda /srv/bind ext4 rw 0 0',
      '/dev/vdb1 /mnt/my\\040disk xfs rw 0 0',
      'tank/home /home zfs rw 0 0',
      '/dev/loop0 /snap/core/1 squashfs ro 0 0',
      'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
      '/dev/vda / ext4 rw 0 0',
    ].join('\n');
    assert.deepEqual(parseProcMounts(text), ['/', '/srv/bind', '/mnt/my disk', '/home']);
  });
});
