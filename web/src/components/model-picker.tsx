/**
 * @module Which models a key may use: a checkbox per model in a fieldset. None ticked means every
 * model (the API's null), which is also what a new key gets by default.
 */
import type { PriceLine } from '../api/types';

export function ModelPicker(props: { prices: PriceLine[]; selected: string[]; onChange: (models: string[]) => void }) {
  const toggle = (model: string, on: boolean) =>
    props.onChange(on ? [...props.selected, model] : props.selected.filter((m) => m !== model));
  return (
    <fieldset class="models">
      <legend>Models (none ticked: every model)</legend>
      {props.prices.map((p) => (
        <label key={p.model} class="check">
          <input type="checkbox" checked={props.selected.includes(p.model)} onChange={(e) => toggle(p.model, e.currentTarget.checked)} />
          {p.model} <small>({p.credits} cr)</small>
        </label>
      ))}
    </fieldset>
  );
}
