/**
 * @module A button for actions that cannot be undone (revoke, remove): the first press asks, in
 * place, and only the second does it. In the page rather than `window.confirm`, so it is styled,
 * keyboard-reachable and never blocked as a popup.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export function ConfirmButton(props: { label: string; question: string; onConfirm: () => void | Promise<void>; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  // The pressed button is gone once the question shows; focus lands on the harmless answer.
  useEffect(() => {
    if (asking) cancel.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" class="danger" disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={props.question}>
      <span>{props.question}</span>{' '}
      <button
        type="button"
        class="danger"
        onClick={async () => {
          setAsking(false);
          await props.onConfirm();
        }}
      >
        Yes, {props.label.toLowerCase()}
      </button>{' '}
      <button type="button" ref={cancel} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
