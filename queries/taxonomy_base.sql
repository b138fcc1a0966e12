-- The data's own themes, before the team's changes to the taxonomy (dashboard/review/taxonomy.py applies them).
-- Parameters: none.
-- Key: theme_id.
select
    theme_id,
    label,
    description
from themes
order by label
