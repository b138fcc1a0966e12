-- Participants (applications accepted or completed) by cohort year, for the members the Overview counts, with a Total
-- row: one row per cohort year that has any applications, then 'Total'. awaiting: applications of those members still
-- awaiting a decision (their status is 'applied'), so a cohort's participants may still rise.
-- Parameters: $department_ids, $nations (lists or NULL).
-- Key: cohort.
with chosen_members as (
    select member_id
    from members
    where ($department_ids is null or list_contains($department_ids, department_id))
        and ($nations is null or list_contains($nations, region_nation(region)))
),

cohort_years as (
    select distinct cohort_year
    from participation
),

by_year as (
    select
        cohort_years.cohort_year,
        count(chosen_members.member_id) filter (
            where participation.status in ('accepted', 'completed')
        ) as participants,
        count(chosen_members.member_id) filter (where participation.status = 'applied') as awaiting
    from cohort_years
    left join participation using (cohort_year)
    left join chosen_members on participation.member_id = chosen_members.member_id
    group by cohort_years.cohort_year
),

final as (
    select
        cast(cohort_year as varchar) as cohort,
        participants,
        awaiting
    from by_year
    union all
    select
        'Total',
        cast(coalesce(sum(participants), 0) as bigint),
        cast(coalesce(sum(awaiting), 0) as bigint)
    from by_year
)

select * from final
order by cohort = 'Total', cohort
