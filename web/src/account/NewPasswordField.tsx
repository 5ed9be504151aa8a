import { useId } from 'react';

/** A new password with its rule read out beside it: at least 10 characters, as the API asks. */
export function NewPasswordField({
  label,
  rule,
  value,
  onChange,
}: {
  label: string;
  rule: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const ruleId = useId();
  return (
    <>
      <label>
        {label}
        <input
          type="password"
          autoComplete="new-password"
          minLength={10}
          required
          aria-describedby={ruleId}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      <p id={ruleId}>{rule}</p>
    </>
  );
}
