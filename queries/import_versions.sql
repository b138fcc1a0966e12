-- The loaded versions whose headline counts are recorded, newest first: one row per import (see import_counts).
-- Parameters: none.
-- Key: import_id.
with counted as (
    select distinct import_id
    from import_counts
),

final as (
    select
        imports.import_id,
        imports.imported_at,
        imports.source
    from imports
    inner join counted using (import_id)
    order by imports.import_id desc
)

select * from final
