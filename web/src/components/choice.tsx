/**
 * @module A labelled <select> from values and their texts. Named by `for`/`id`, as Field is, so the
 * name is the label alone and not the label plus every option.
 */
import { useId } from 'preact/hooks';

export function Choice(props: { label: string; value: string; onChange: (value: string) => void; options: { value: string; text: string }[] }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
}
