import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { ApiError } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { useAnalysis } from './analysis-queries.ts';
import { FailureReason } from './FailureReason.tsx';
import { LiveProgress } from './LiveProgress.tsx';
import { QualityProblems } from './QualityProblems.tsx';
import { ACCEPTED_TYPES, uploadPhoto } from './upload-photo.ts';
import { useAnalysisProgress } from './use-analysis-progress.ts';

type Upload =
  | { phase: 'idle' }
  | { phase: 'uploading'; sent: number }
  | { phase: 'error'; error: unknown }
  | { phase: 'accepted'; id: string };

/** Choose a face photo, watch it upload, then watch its analysis live until the result opens. */
export function PhotoStep({ customerId, timeZone }: { customerId: string | undefined; timeZone: string | undefined }) {
  const { t } = useTranslation('analysis');
  const format = useFormat(timeZone);
  const [, navigate] = useLocation();
  const inputId = useId();
  const [photo, setPhoto] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [upload, setUpload] = useState<Upload>({ phase: 'idle' });
  const id = upload.phase === 'accepted' ? upload.id : null;
  const progress = useAnalysisProgress(id);
  const stage = progress.event?.status;
  const outcome = useAnalysis(stage === 'rejected' || stage === 'failed' ? id : null);

  useEffect(() => {
    if (stage === 'completed' && id) navigate(`/analyses/${id}`);
  }, [stage, id, navigate]);
  useEffect(() => {
    if (!photo) return;
    const url = URL.createObjectURL(photo);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [photo]);

  const choose = (file: File | null) => {
    setUpload({ phase: 'idle' });
    setPhoto(file);
    setPreview(null);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!photo) return;
    setUpload({ phase: 'uploading', sent: 0 });
    try {
      const accepted = await uploadPhoto(photo, customerId, (sent) => setUpload({ phase: 'uploading', sent }));
      setUpload({ phase: 'accepted', id: accepted.id });
    } catch (error) {
      setUpload({ phase: 'error', error });
    }
  };

  const wrongType = photo !== null && !ACCEPTED_TYPES.includes(photo.type);
  const busy = upload.phase === 'uploading' || (upload.phase === 'accepted' && !outcome.data);
  const sent = upload.phase === 'uploading' ? upload.sent : upload.phase === 'accepted' ? 1 : null;
  const quota =
    upload.phase === 'error' && upload.error instanceof ApiError && upload.error.code === 'analysis-quota-exceeded'
      ? upload.error.body.resetsAt
      : undefined;

  return (
    <section className="card photo-step" aria-labelledby="photo-step-title">
      <h2 id="photo-step-title">{t('new.photoTitle')}</h2>
      <p className="muted">{t('new.tips')}</p>
      <form onSubmit={submit} className="photo-form">
        <label htmlFor={inputId}>{t('new.photo')}</label>
        <input
          id={inputId}
          type="file"
          accept={ACCEPTED_TYPES.join(',')}
          disabled={busy}
          onChange={(e) => choose(e.target.files?.[0] ?? null)}
        />
        {preview && <img className="photo-preview" src={preview} alt={t('new.previewAlt')} />}
        {wrongType && (
          <p className="problem" role="alert">
            {t('problems:unsupported-image-type')}
          </p>
        )}
        <button type="submit" disabled={!photo || wrongType || busy}>
          {t('new.analyse')}
        </button>
      </form>

      {sent !== null && (
        <div className="upload-progress">
          <p>{sent < 1 ? t('new.uploading', { percent: Math.round(sent * 100) }) : t('new.uploaded')}</p>
          <progress aria-label={t('new.uploadLabel')} max={100} value={Math.round(sent * 100)} />
        </div>
      )}
      {upload.phase === 'error' && <ProblemMessage error={upload.error} />}
      {typeof quota === 'string' && <p className="muted">{t('new.quotaRenews', { date: format.date(quota) })}</p>}

      {id && <LiveProgress state={progress} analysisId={id} />}
      {outcome.data?.status === 'rejected' && outcome.data.quality && (
        <QualityProblems problems={outcome.data.quality.problems} />
      )}
      {outcome.data?.status === 'failed' && outcome.data.failure && <FailureReason failure={outcome.data.failure} />}
    </section>
  );
}
