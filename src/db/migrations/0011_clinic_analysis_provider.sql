-- The skin-analysis provider a super admin chose for the clinic: a cost and data-processing decision,
-- so bwai_app cannot write it (its UPDATE grant on clinics names columns, 0003); bwai_platform can.
-- NULL follows the platform default (ANALYSIS_DEFAULT_PROVIDER).
ALTER TABLE clinics ADD COLUMN analysis_provider text CHECK (analysis_provider IN ('local', 'openai'));
