-- The Overview's members, participants and suggestions in the newest recorded version and the one before it: one row.
-- The *_before columns are NULL when only one version is recorded.
-- Parameters: $department_ids (list or NULL; members and participants), $theme_ids (list or NULL; suggestions).
-- Key: one row.
with versions as (
    select
        max(import_id) as now_id,
        max(import_id) filter (where import_id < (select max(import_id) from import_counts)) as before_id
    from import_counts
),

chosen as (
    select
        import_counts.measure,
        import_counts.value,
        import_counts.import_id = versions.now_id as is_now
    from import_counts
    cross join versions
    where import_counts.import_id in (versions.now_id, versions.before_id)
        and (
            (import_counts.group_kind = 'department'
                and ($department_ids is null or list_contains($department_ids, import_counts.group_key)))
            or (import_counts.group_kind = 'theme'
                and ($theme_ids is null or list_contains($theme_ids, import_counts.group_key)))
        )
),

final as (
    select
        versions.before_id as before_import_id,
        (select imported_at from imports where import_id = versions.before_id) as before_imported_at,
        (select coalesce(sum(value), 0) from chosen where measure = 'members' and is_now) as members_now,
        (select sum(value) from chosen where measure = 'members' and not is_now) as members_before,
        (select coalesce(sum(value), 0) from chosen where measure = 'participants' and is_now) as participants_now,
        (select sum(value) from chosen where measure = 'participants' and not is_now) as participants_before,
        (select coalesce(sum(value), 0) from chosen where measure = 'suggestions' and is_now) as suggestions_now,
        (select sum(value) from chosen where measure = 'suggestions' and not is_now) as suggestions_before
    from versions
)

select * from final
