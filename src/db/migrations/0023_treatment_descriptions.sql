-- A treatment's description in each language the clinic serves, like its name. The existing
-- description column stays the English one, so current readers keep working.
ALTER TABLE treatments
  ADD COLUMN description_th text NOT NULL DEFAULT '' CHECK (length(description_th) <= 4000),
  ADD COLUMN description_zh text NOT NULL DEFAULT '' CHECK (length(description_zh) <= 4000);
