import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { ANALYSIS_PROVIDERS, type AnalysisProviderKey, type ClinicDetail } from './admin-types.ts';
import { patchClinic, useClinicWrite } from './clinic-writes.ts';
import { ChoiceField, SaveButton } from './Field.tsx';

const PLATFORM_DEFAULT = '';

/**
 * Where the clinic's skin analyses run. It decides who processes its customers' face photos, so the
 * choice in effect is always shown next to the setting.
 */
export function ClinicProviderForm({ clinic }: { clinic: ClinicDetail }) {
  const { t } = useTranslation('admin');
  const [choice, setChoice] = useState<string>(clinic.analysisProvider ?? PLATFORM_DEFAULT);
  const save = useClinicWrite(clinic.id, patchClinic(clinic.id));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      { analysisProvider: choice === PLATFORM_DEFAULT ? null : (choice as AnalysisProviderKey) },
      { onSuccess: (saved) => setChoice(saved.analysisProvider ?? PLATFORM_DEFAULT) },
    );
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="provider-title">
      <h2 id="provider-title">{t('provider.title')}</h2>
      <p className="muted">{t('provider.inEffect', { provider: t(`provider.${clinic.effectiveAnalysisProvider}`) })}</p>
      <div className="row">
        <ChoiceField
          label={t('provider.setting')}
          value={choice}
          choices={ANALYSIS_PROVIDERS}
          labelOf={(p) => t(`provider.${p}`)}
          empty={{ value: PLATFORM_DEFAULT, label: t('provider.platformDefault') }}
          onChange={(v) => setChoice(v)}
        />
        <SaveButton save={save} label={t('provider.save')} />
      </div>
      <ProblemMessage error={save.error} />
    </form>
  );
}
