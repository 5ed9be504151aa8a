-- Every analysis keeps the skin tone its photo showed, whichever provider analysed it (and a rejected
-- photo too, so the quality gate's refusals can be counted per tone): the individual typology angle
-- (ITA°) of the face's skin and its band on the standard scale (Chardon et al.: very light > 55°,
-- light 41–55°, intermediate 28–41°, tan 10–28°, brown −30–10°, dark < −30°). Null for analyses made
-- before it was measured, and for photos without a face.
ALTER TABLE skin_analyses
  ADD COLUMN skin_tone_ita real,
  ADD COLUMN skin_tone_band text,
  ADD CONSTRAINT skin_analyses_skin_tone_band CHECK (
    skin_tone_band IN ('very-light', 'light', 'intermediate', 'tan', 'brown', 'dark')
    AND skin_tone_ita IS NOT NULL
    OR skin_tone_band IS NULL AND skin_tone_ita IS NULL
  );
