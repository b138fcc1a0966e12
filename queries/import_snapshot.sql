-- Writes the headline counts of the data just loaded under its import: one row per measure and department or theme.
-- Run by dashboard/build.py when a version is written or restored, never by a page. Words as in dashboard/glossary.py.
-- Parameters: $import_id (the import the counts belong to).
-- Key: measure, group_kind, group_key.
insert into import_counts
with department_counts as (
    select
        departments.department_id as group_key,
        departments.name as group_label,
        (select count(*) from members where members.department_id = departments.department_id) as members,
        (
            select count(*)
            from participation
            inner join members using (member_id)
            where members.department_id = departments.department_id
        ) as applications,
        (
            select count(*)
            from participation
            inner join members using (member_id)
            where members.department_id = departments.department_id
                and participation.status in ('accepted', 'completed')
        ) as participants
    from departments
),

theme_counts as (
    select
        coalesce(suggestions.theme_id, '(none)') as group_key,
        coalesce(themes.label, 'No theme') as group_label,
        count(*) as suggestions
    from suggestions
    left join themes using (theme_id)
    group by all
),

final as (
    select 'members' as measure, 'department' as group_kind, group_key, group_label, members as value
    from department_counts
    union all
    select 'applications', 'department', group_key, group_label, applications
    from department_counts
    union all
    select 'participants', 'department', group_key, group_label, participants
    from department_counts
    union all
    select 'suggestions', 'theme', group_key, group_label, suggestions
    from theme_counts
)

select
    $import_id as import_id,
    measure,
    group_kind,
    group_key,
    group_label,
    value
from final
