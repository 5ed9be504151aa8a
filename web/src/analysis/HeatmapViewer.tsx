import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Analysis, AnalysisResult } from './analysis-types.ts';

/**
 * The analysed photo with one concern's heatmap laid over it. Heatmaps are the working image's size
 * and aligned to it, so stacking the two images is enough; the overlay's opacity is the reader's.
 */
export function HeatmapViewer({ image, result }: { image: Analysis['image']; result: AnalysisResult }) {
  const { t } = useTranslation('analysis');
  const name = useId();
  const mapped = Object.keys(result.heatmapUrls);
  const scoreOf = (concern: string) => result.concerns[concern as keyof AnalysisResult['concerns']]?.score ?? 100;
  // Open on the weakest concern: the one the reader most wants to see where it is.
  const [concern, setConcern] = useState<string | null>(() => [...mapped].sort((a, b) => scoreOf(a) - scoreOf(b))[0] ?? null);
  const [opacity, setOpacity] = useState(0.6);
  const overlay = concern ? result.heatmapUrls[concern] : undefined;
  return (
    <div className="heatmap-viewer">
      <div className="photo-stack" style={{ aspectRatio: `${image.width} / ${image.height}` }}>
        <img src={image.workingUrl} alt={t('result.photoAlt')} width={image.width} height={image.height} />
        {overlay && concern && (
          <img
            className="heatmap-overlay"
            src={overlay}
            alt={t('result.heatmapAlt', { concern: t(`concern.${concern}`) })}
            style={{ opacity }}
          />
        )}
      </div>
      {mapped.length > 0 && (
        <div className="heatmap-controls">
          <fieldset>
            <legend>{t('result.heatmap')}</legend>
            <label className="choice">
              <input type="radio" name={name} checked={concern === null} onChange={() => setConcern(null)} />
              {t('result.noOverlay')}
            </label>
            {mapped.map((c) => (
              <label className="choice" key={c}>
                <input type="radio" name={name} checked={concern === c} onChange={() => setConcern(c)} />
                {t(`concern.${c}`)}
              </label>
            ))}
          </fieldset>
          <label>
            {t('result.opacity')}
            <input
              type="range"
              min={0.1}
              max={1}
              step={0.05}
              value={opacity}
              disabled={!concern}
              onChange={(e) => setOpacity(Number(e.target.value))}
            />
          </label>
          <p className="muted">{t('result.heatmapHint')}</p>
        </div>
      )}
    </div>
  );
}
