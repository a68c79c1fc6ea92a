/**
 * @module Channels: each with its provider, models, priority and weight, status and live health,
 * refreshed every few seconds while the page is open; enable, disable with a reason, test (one
 * small image through it, timed) and remove; and the add form.
 */
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api/client';
import type { Channel, ChannelTest } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { ErrorList } from '../components/error-list';
import { asApiError, useInterval, useLoad } from '../lib/use-load';
import { ChannelForm } from './channel-form';
import { ChannelStatus, CircuitCell, InFlightCell } from './channel-health';
import { DisableButton } from './disable-button';

const REFRESH_MS = 3000;

const describe = (t: ChannelTest) =>
  t.ok ? `Test of ${t.channel}: ok, ${t.latency_ms} ms, ${t.model}, ${t.format} ${t.bytes} bytes, seed ${t.seed}, ${t.finish_reason}` : `Test of ${t.channel}: failed: ${t.error}`;

export function ChannelsPage() {
  const { data, error, reload } = useLoad(() => api<{ channels: Channel[] }>('GET', 'channels'), []);
  const [actionError, setActionError] = useState<ApiError>();
  const [testing, setTesting] = useState<string>();
  const [tested, setTested] = useState<ChannelTest>();
  useInterval(() => void reload(), REFRESH_MS);

  const act = async (method: string, path: string, body?: unknown) => {
    setActionError(undefined);
    try {
      return await api<unknown>(method, path, body);
    } catch (failure) {
      setActionError(asApiError(failure));
      return undefined;
    } finally {
      await reload();
    }
  };
  const test = async (c: Channel) => {
    setTesting(c.id);
    setTested(undefined);
    const answer = (await act('POST', `channels/${encodeURIComponent(c.id)}/test`, {})) as ChannelTest | undefined;
    setTesting(undefined);
    setTested(answer);
  };
  const path = (c: Channel, action = '') => `channels/${encodeURIComponent(c.id)}${action}`;

  return (
    <section>
      <p class="hint">Health refreshes every {REFRESH_MS / 1000} seconds while this page is open.</p>
      <ErrorList error={error ?? actionError} />
      <p role="status" class={tested && !tested.ok ? 'error-text' : undefined}>
        {testing ? 'Testing…' : tested ? describe(tested) : ''}
      </p>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              {['Name', 'Provider', 'Models', 'Priority / weight', 'Status', 'Circuit', 'In flight', 'Actions'].map((h) => <th scope="col" key={h}>{h}</th>)}
            </tr>
          </thead>
          <tbody>
            {data?.channels.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.name}<br /><small class="mono">{c.base_url ?? ''}</small></th>
                <td>{c.provider}</td>
                <td>{c.models?.join(', ') ?? 'all'}</td>
                <td class="num">{c.priority} / {c.weight}</td>
                <td><ChannelStatus channel={c} /></td>
                <td><CircuitCell channel={c} /></td>
                <td class="num"><InFlightCell channel={c} /></td>
                <td class="actions">
                  {c.enabled ? (
                    <DisableButton name={c.name} onDisable={(reason) => act('POST', path(c, '/disable'), reason ? { reason } : {})} />
                  ) : (
                    <button type="button" onClick={() => act('POST', path(c, '/enable'))}>Enable</button>
                  )}{' '}
                  <button type="button" disabled={testing !== undefined} onClick={() => test(c)} aria-label={`Test ${c.name}`}>Test</button>{' '}
                  <ConfirmButton label="Remove" question={`Remove ${c.name}?`} onConfirm={() => act('DELETE', path(c)).then(() => undefined)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ChannelForm onAdded={reload} />
    </section>
  );
}
