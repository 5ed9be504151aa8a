-- An analysis whose photo and heatmaps were deleted (consent withdrawn with its photos, or the clinic's
-- retention period passed) keeps its scores; images_deleted_at says its images are gone for good.
ALTER TABLE skin_analyses ADD COLUMN images_deleted_at timestamptz;
-- The retention job's search: a clinic's analyses that still have images, oldest first.
CREATE INDEX skin_analyses_images_kept_idx ON skin_analyses (clinic_id, created_at) WHERE images_deleted_at IS NULL;

-- The clinics that set a retention period for photos (settings.photoRetentionMonths): the daily job
-- visits only those, and reads no other clinic's row.
CREATE FUNCTION clinics_with_photo_retention() RETURNS TABLE (clinic_id uuid, months integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id, (settings->>'photoRetentionMonths')::integer FROM clinics
  WHERE settings ? 'photoRetentionMonths' AND is_active
$$;
REVOKE ALL ON FUNCTION clinics_with_photo_retention() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clinics_with_photo_retention() TO bwai_app;
