-- Suggestions by theme in the newest recorded version and the one before it: one row per theme in either. A count is 0 where
-- that version had no such theme, and every *_before is NULL when only one version is recorded.
-- Parameters: $theme_ids (list or NULL).
-- Key: theme_id.
with versions as (
    select
        max(import_id) as now_id,
        max(import_id) filter (where import_id < (select max(import_id) from import_counts)) as before_id
    from import_counts
),

chosen as (
    select
        import_counts.*,
        versions.before_id,
        case when import_counts.import_id = versions.now_id then 'now' else 'before' end as version
    from import_counts
    cross join versions
    where import_counts.group_kind = 'theme'
        and import_counts.import_id in (versions.now_id, versions.before_id)
        and ($theme_ids is null or list_contains($theme_ids, import_counts.group_key))
),

final as (
    select
        group_key as theme_id,
        arg_max(group_label, import_id) as label,
        coalesce(max(value) filter (where version = 'now'), 0) as suggestions_now,
        case when any_value(before_id) is not null then coalesce(max(value) filter (where version = 'before'), 0) end as suggestions_before
    from chosen
    group by group_key
    order by label
)

select * from final
