-- Admins see why a participant asked for a new partner.
-- depends: matching_0003_round_previews

ALTER TABLE roster_view ADD COLUMN rematch_reason text;
