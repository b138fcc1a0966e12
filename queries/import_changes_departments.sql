-- Members, applications and participants by department in the newest recorded version and the one before it: one
-- row per department in either. A count is NULL where that version had no such department.
-- Parameters: $department_ids (list or NULL).
-- Key: department_id.
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
    where import_counts.group_kind = 'department'
        and import_counts.import_id in (versions.now_id, versions.before_id)
        and ($department_ids is null or list_contains($department_ids, import_counts.group_key))
),

final as (
    select
        group_key as department_id,
        arg_max(group_label, import_id) as name,
        coalesce(max(value) filter (where measure = 'members' and version = 'now'), 0) as members_now,
        case when any_value(before_id) is not null then coalesce(max(value) filter (where measure = 'members' and version = 'before'), 0) end as members_before,
        coalesce(max(value) filter (where measure = 'applications' and version = 'now'), 0) as applications_now,
        case when any_value(before_id) is not null then coalesce(max(value) filter (where measure = 'applications' and version = 'before'), 0) end as applications_before,
        coalesce(max(value) filter (where measure = 'participants' and version = 'now'), 0) as participants_now,
        case when any_value(before_id) is not null then coalesce(max(value) filter (where measure = 'participants' and version = 'before'), 0) end as participants_before
    from chosen
    group by group_key
    order by name
)

select * from final
