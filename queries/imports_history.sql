-- Every import recorded in the loaded database, newest first: one row per import (the first is the database's build).
-- Parameters: none.
-- Key: import_id.
with final as (
    select
        import_id,
        imported_at,
        imported_by,
        source,
        files,
        row_counts
    from imports
    order by import_id desc
)

select * from final
