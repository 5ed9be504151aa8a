import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PercentInput } from './PercentInput.tsx';

interface FlagSetting {
  enabled: boolean;
  rolloutPercent: number;
}

/** The mutation that saves one flag's setting; while it runs the rows' controls are disabled. */
export interface FlagSave {
  isPending: boolean;
  mutate: (change: { key: string; setting: FlagSetting }) => void;
}

type ListedFlag = FlagSetting & { key: string; updatedAt: string | null };

/**
 * The flags table, the same for a clinic's own flags and the platform's defaults: key, on/off switch, rollout share
 * and when it changed. `cells` gives each row's cells that differ (when it changed, how to remove it), under
 * `headings`; `rolloutHeading` and `rolloutLabel` say whose share the rollout is.
 */
export function FeatureFlagTable<Flag extends ListedFlag>({
  flags,
  change,
  rolloutHeading,
  rolloutLabel,
  headings,
  cells,
}: {
  flags: Flag[];
  change: FlagSave;
  rolloutHeading: string;
  rolloutLabel: (key: string) => string;
  headings: ReactNode;
  cells: (flag: Flag) => ReactNode;
}) {
  const { t } = useTranslation('admin');
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('flags.key')}</th>
          <th scope="col">{t('flags.enabled')}</th>
          <th scope="col">{rolloutHeading}</th>
          {headings}
        </tr>
      </thead>
      <tbody>
        {flags.map((flag) => (
          <FeatureFlagRow key={`${flag.key}:${flag.updatedAt}`} flag={flag} change={change} rolloutLabel={rolloutLabel(flag.key)}>
            {cells(flag)}
          </FeatureFlagRow>
        ))}
      </tbody>
    </table>
  );
}

/** One flag's row: the on/off switch and the rollout share, each saved through `change`, then the row's own cells. */
function FeatureFlagRow({
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
