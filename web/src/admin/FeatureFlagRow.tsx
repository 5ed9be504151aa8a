import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PercentInput } from './PercentInput.tsx';

interface FlagSetting {
  enabled: boolean;
  rolloutPercent: number;
}

/** The mutation that saves one flag's setting; while it runs the row's controls are disabled. */
export interface FlagSave {
  isPending: boolean;
  mutate: (change: { key: string; setting: FlagSetting }) => void;
}

/**
 * One flag's row, the same for a clinic's own flag and a platform default: the on/off switch and the rollout share,
 * each saved through `change`. `children` are the cells that differ (when it changed, how to remove it).
 */
export function FeatureFlagRow({
  flag,
  change,
  rolloutLabel,
  children,
}: {
  flag: FlagSetting & { key: string };
  change: FlagSave;
  rolloutLabel: string;
  children: ReactNode;
}) {
  const { t } = useTranslation('admin');
  const [rollout, setRollout] = useState(String(flag.rolloutPercent));
  const set = (setting: FlagSetting) => change.mutate({ key: flag.key, setting });
  const saveRollout = (event: FormEvent) => {
    event.preventDefault();
    set({ enabled: flag.enabled, rolloutPercent: Number(rollout) });
  };
  return (
    <tr>
      <th scope="row">
        <code>{flag.key}</code>
      </th>
      <td>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={flag.enabled}
            disabled={change.isPending}
            onChange={(e) => set({ enabled: e.target.checked, rolloutPercent: flag.rolloutPercent })}
          />
          {flag.enabled ? t('flags.on') : t('flags.off')}
        </label>
      </td>
      <td>
        <form className="row" onSubmit={saveRollout}>
          <PercentInput value={rollout} onChange={setRollout} aria-label={rolloutLabel} />
          <span className="muted">%</span>
          {rollout !== String(flag.rolloutPercent) && (
            <button type="submit" className="secondary" disabled={change.isPending}>
              {t('flags.saveRollout')}
            </button>
          )}
        </form>
      </td>
      {children}
    </tr>
  );
}
