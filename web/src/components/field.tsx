/**
 * @module A labelled text input or text area. The label names its control by `for`/`id` rather
 * than by wrapping it: a wrapping label's name would also take in the control's value and the
 * hint. The hint is tied in by aria-describedby, so it is read after the name, not as part of it.
 */
import { useId } from 'preact/hooks';

export interface FieldProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: string;
  hint?: string;
  placeholder?: string;
  required?: boolean;
  autoComplete?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
  /** A text area of this many rows instead of a one-line input. */
  rows?: number;
  maxLength?: number;
  wide?: boolean;
}

export function Field(props: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const common = {
    id,
    value: props.value,
    placeholder: props.placeholder,
    required: props.required,
    maxLength: props.maxLength,
    'aria-describedby': props.hint ? hintId : undefined,
  };
  return (
    <div class={props.wide ? 'field wide' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.rows ? (
        <textarea {...common} rows={props.rows} onInput={(event) => props.onInput(event.currentTarget.value)} />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete ?? 'off'}
          inputMode={props.inputMode}
          onInput={(event) => props.onInput(event.currentTarget.value)}
        />
      )}
      {props.hint && (
        <small id={hintId} class="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}
