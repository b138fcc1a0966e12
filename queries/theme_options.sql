-- The theme taxonomy for pickers: one row per theme, by label.
-- Parameters: none.
-- Key: theme_id.
select
    theme_id,
    label,
    description
from current_themes
order by label
