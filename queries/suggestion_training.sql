-- The hand-tagged suggestions the classifier learns from: one row per suggestion tagged in the source data.
-- Parameters: none.
-- Key: suggestion_id.
select
    suggestion_id,
    text,
    theme_id
from suggestions
where theme_source = 'manual'
order by suggestion_id
