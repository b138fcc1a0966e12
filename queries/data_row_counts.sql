-- How many rows each table of the loaded data holds: one row per contract table, in load order.
-- Parameters: none.
-- Key: table_name.
with counts as (
    select 1 as load_order, 'departments' as table_name, count(*) as row_count from departments
    union all
    select 2, 'locations', count(*) from locations
    union all
    select 3, 'workshops', count(*) from workshops
    union all
    select 4, 'members', count(*) from members
    union all
    select 5, 'themes', count(*) from themes
    union all
    select 6, 'suggestions', count(*) from suggestions
    union all
    select 7, 'schemes', count(*) from schemes
    union all
    select 8, 'participation', count(*) from participation
),

final as (
    select
        table_name,
        row_count
    from counts
    order by load_order
)

select * from final
