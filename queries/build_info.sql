-- The facts about the loaded data: one row.
-- Parameters: none.
-- Key: one row.
select
    data_version,
    data_date,
    built_at,
    source
from build_info
