import type { InputHTMLAttributes } from 'react';

/** A rollout share in whole percent; kept as the typed text so the field can be emptied while editing. */
export function PercentInput({
  value,
  onChange,
  ...rest
}: { value: string; onChange: (value: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  return (
    <input
      {...rest}
      type="number"
      min={0}
      max={100}
      step={1}
      className="percent"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
