/** @module `aigate channels add|list|show|update|enable|disable|test|remove`: upstream accounts. */
import type { Command } from 'commander';
import { channelJson } from '../../admin/presenters.js';
import { ChannelInputError, channelService } from '../../channels/channel-service.js';
import { testChannel } from '../../channels/test-channel.js';
import { UpstreamFailure } from '../../providers/upstream-failure.js';
import { GatewayError } from '../../errors.js';
import { CliError, table, withStore, type CliIo, type CommandContext } from '../context.js';
import { channelFlags, channelInput, type ChannelFlags } from './channel-flags.js';

const describeChannel = (c: ReturnType<typeof channelJson>) =>
  Object.entries(c)
    .map(([k, v]) => `${k.padEnd(16)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join('\n');

/** Runs a channel command, turning the service's input errors into CLI errors. */
function action<A extends unknown[]>(io: CliIo, run: (ctx: CommandContext, ...args: A) => Promise<void>) {
  return (...args: A) =>
    withStore(io, async (ctx) => {
      try {
        await run(ctx, ...args);
      } catch (error) {
        if (error instanceof ChannelInputError) throw new CliError(error.message);
        throw error;
      }
    });
}

export function registerChannels(program: Command, io: CliIo): void {
  const channels = program.command('channels').description('upstream accounts the station routes generations to');
  const service = (ctx: CommandContext) => channelService(ctx.store, ctx.secrets(), ctx.config.models);

  channelFlags(channels.command('add <provider>').description('add a channel').requiredOption('--name <name>', 'a unique name').option('--disabled', 'add it disabled')).action(
    action(io, async (ctx, provider: string, flags: ChannelFlags & { disabled?: boolean }) => {
      const channel = await service(ctx).add({ ...channelInput(flags), provider, enabled: !flags.disabled });
      ctx.print(!!flags.json, channelJson(channel), () => `Added channel ${channel.name} (${channel.id}).`);
    }),
  );

  channels.command('list').option('--json', 'print one JSON object').action(
    action(io, async (ctx, flags: { json?: boolean }) => {
      const list = (await service(ctx).list()).map(channelJson);
      ctx.print(!!flags.json, { channels: list }, () =>
        table(
          ['ID', 'NAME', 'PROVIDER', 'BASE URL', 'MODELS', 'PRI', 'WEIGHT', 'MAX', 'TIMEOUT', 'STATUS'],
          list.map((c) => [c.id, c.name, c.provider, c.base_url, c.models?.join(',') ?? 'all', String(c.priority), String(c.weight), String(c.max_concurrency ?? '-'), `${c.timeout_seconds}s`, c.enabled ? 'enabled' : `disabled: ${c.disabled_reason ?? ''}`]),
        ),
      );
    }),
  );

  channels.command('show <id>').option('--json', 'print one JSON object').action(
    action(io, async (ctx, id: string, flags: { json?: boolean }) => {
      const channel = channelJson(await service(ctx).find(id));
      ctx.print(!!flags.json, channel, () => describeChannel(channel));
    }),
  );

  channelFlags(channels.command('update <id>').description('change a channel').option('--name <name>', 'rename it').option('--clear-key', 'remove its credentials')).action(
    action(io, async (ctx, id: string, flags: ChannelFlags) => {
      const channel = await service(ctx).update(id, channelInput(flags));
      ctx.print(!!flags.json, channelJson(channel), () => `Updated channel ${channel.name}.`);
    }),
  );

  for (const enabled of [true, false]) {
    const command = channels.command(`${enabled ? 'enable' : 'disable'} <id>`).option('--json', 'print one JSON object');
    if (!enabled) command.option('--reason <text>', 'shown in channels list');
    command.action(
      action(io, async (ctx, id: string, flags: { json?: boolean; reason?: string }) => {
        const channel = await service(ctx).setEnabled(id, enabled, flags.reason);
        ctx.print(!!flags.json, channelJson(channel), () => `${enabled ? 'Enabled' : 'Disabled'} channel ${channel.name}.`);
      }),
    );
  }

  channels.command('test <id>').description('generate one image through the channel and time it').option('--model <id>', 'the model to ask for').option('--json', 'print one JSON object').action(
    action(io, async (ctx, id: string, flags: { model?: string; json?: boolean }) => {
      const record = await service(ctx).find(id);
      try {
        const report = await testChannel(record, ctx.secrets(), ctx.config.models, flags.model);
        const data = { channel: report.channel, ok: true, model: report.model, latency_ms: report.latencyMs, seed: report.result.seed, format: report.result.format, bytes: report.result.bytes.length, finish_reason: report.result.finishReason };
        ctx.print(!!flags.json, data, () => `Channel ${report.channel} OK: ${report.model}, ${report.result.bytes.length} bytes of ${report.result.format} in ${report.latencyMs} ms (seed ${report.result.seed}).`);
      } catch (error) {
        if (!(error instanceof UpstreamFailure || error instanceof GatewayError)) throw error;
        const why = error instanceof UpstreamFailure ? `${error.kind}: ${error.message}` : `${error.code}: ${error.errors.join('; ')}`;
        throw new CliError(`channel ${record.name} failed the test (${why})`);
      }
    }),
  );

  channels.command('remove <id>').option('--json', 'print one JSON object').action(
    action(io, async (ctx, id: string, flags: { json?: boolean }) => {
      const channel = await service(ctx).find(id);
      await service(ctx).remove(id);
      ctx.print(!!flags.json, { id: channel.id, name: channel.name, removed: true }, () => `Removed channel ${channel.name}.`);
    }),
  );
}
