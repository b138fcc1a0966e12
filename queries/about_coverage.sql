-- What the loaded data covers, for About this data: one row.
-- Parameters: none.
-- Key: one row.
with workshop_figures as (
    select
        count(*) as workshops,
        count(*) filter (where attendees is not null) as workshops_with_attendees,
        count(distinct location_id) as locations,
        min(held_on) as first_workshop,
        max(held_on) as last_workshop
    from workshops
),

suggestion_figures as (
    select
        count(*) as suggestions,
        count(*) filter (where member_id is not null) as suggestions_naming_a_member,
        count(*) filter (where theme_source = 'manual') as manual_themes,
        count(*) filter (where theme_source = 'auto') as auto_themes
    from suggestions
),

member_figures as (
    select
        count(*) as members,
        count(*) filter (where joined_on is not null) as members_with_joining_date,
        count(distinct department_id) as departments
    from members
),

participation_figures as (
    select
        count(*) as applications,
        min(cohort_year) as first_cohort,
        max(cohort_year) as last_cohort
    from participation
),

final as (
    select
        workshop_figures.workshops,
        workshop_figures.workshops_with_attendees,
        workshop_figures.locations,
        workshop_figures.first_workshop,
        workshop_figures.last_workshop,
        suggestion_figures.suggestions,
        suggestion_figures.suggestions_naming_a_member,
        suggestion_figures.manual_themes,
        suggestion_figures.auto_themes,
        member_figures.members,
        member_figures.members_with_joining_date,
        member_figures.departments,
        participation_figures.applications,
        participation_figures.first_cohort,
        participation_figures.last_cohort,
        (select count(*) from schemes) as schemes,
        (select count(*) from current_themes) as themes
    from workshop_figures
    cross join suggestion_figures
    cross join member_figures
    cross join participation_figures
)

select * from final
