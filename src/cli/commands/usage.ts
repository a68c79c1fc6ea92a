/** @module `aigate usage`: the usage log, newest first. */
import type { Command } from 'commander';
import { formatCredits } from '../../billing/credits.js';
import { usageJson } from '../../admin/presenters.js';
import { CliError, table, withStore, type CliIo } from '../context.js';

export function registerUsage(program: Command, io: CliIo): void {
  program
    .command('usage')
    .description('the usage log, newest first')
    .option('--key <id>', 'only this key')
    .option('--since <date>', 'only requests at or after this ISO date')
    .option('--limit <n>', 'at most this many rows', '50')
    .option('--json', 'print one JSON object')
    .action((o: { key?: string; since?: string; limit: string; json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        const since = o.since === undefined ? undefined : Date.parse(o.since);
        if (Number.isNaN(since)) throw new CliError(`--since: "${o.since}" is not an ISO date`);
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError('--limit: must be a whole number from 1 to 10000');
        const rows = (await store.usage.query({ keyId: o.key, since, limit })).map(usageJson);
        print(!!o.json, { usage: rows }, () =>
          table(
            ['AT', 'REQUEST', 'KEY', 'ENDPOINT', 'MODEL', 'STATUS', 'CREDITS', 'MS', 'CHANNELS TRIED'],
            rows.map((r) => [
              r.at ?? '', r.request_id, r.key_id ?? '-', r.endpoint, r.model ?? '-', `${r.status}${r.error ? ` ${r.error}` : ''}`, r.credits, String(r.latency_ms),
              r.attempts.map((a) => `${a.channel}:${a.status ?? a.outcome} ${a.latency_ms}ms`).join(' > ') || '-',
            ]),
          ),
        );
      }),
    );
}
