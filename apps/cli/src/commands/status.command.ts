import type { Command } from 'commander';
import { systemComponents } from '../services/system';
import { formatStatus, findRepoRoot, statusOf, resolveStackSettings } from '@tideline/devstack';
import type { RegisterCommand } from './index';

/** `tideline status`: every server and service; exits 0 only when all of them are healthy. */
export const registerStatusCommand: RegisterCommand = (program: Command) => {
  program
    .command('status')
    .description('show the local stack and the services; exits 0 only when everything is healthy')
    .option('--json', 'print the statuses as JSON')
    .action(async (options: { json?: boolean }) => {
      const settings = resolveStackSettings(process.env, findRepoRoot(), process.cwd());
      const { stack, apps } = systemComponents(settings, process.env);
      const statuses = await statusOf([...stack, ...apps]);
      if (options.json) process.stdout.write(`${JSON.stringify(statuses)}\n`);
      else for (const status of statuses) formatStatus(status).forEach((line) => process.stdout.write(`${line}\n`));
      if (!statuses.every((status) => status.healthy)) process.exitCode = 1;
    });
};
