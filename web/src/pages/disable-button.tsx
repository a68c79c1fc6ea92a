/**
 * @module Disabling a channel asks for a reason first, in place: the reason is what the next
 * operator reads in the channel list when wondering why it is out of service.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';

export function DisableButton(props: { name: string; onDisable: (reason: string) => Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={`Disable ${props.name}`}>
        Disable
      </button>
    );
  }
  return (
    <form
      class="inline"
      aria-label={`Disable ${props.name}`}
      onSubmit={async (e) => {
        e.preventDefault();
        setOpen(false);
        await props.onDisable(reason.trim());
        setReason('');
      }}
    >
      <label for={id}>Reason</label> <input id={id} ref={input} value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={500} />{' '}
      <button type="submit" class="danger">Disable</button>{' '}
      <button type="button" onClick={() => setOpen(false)}>Cancel</button>
    </form>
  );
}
