-- Data-quality figures for the loaded data: one row.
-- Parameters: $review_below (an auto-tag with confidence below this needs a person to check it; NULL counts none).
-- Key: one row.
-- Example: {"review_below": 0.5}
with suggestion_figures as (
    select
        count(*) as suggestions,
        count(*) filter (where theme_id is null) as untagged_suggestions,
        count(*) filter (where theme_source = 'auto') as auto_tagged_suggestions,
        count(*) filter (where theme_source = 'auto' and confidence < $review_below) as auto_tagged_needing_review
    from current_suggestions() as suggestions
),

member_figures as (
    select
        count(*) as members,
        count(*) filter (where department_id is null) as members_without_department
    from members
),

final as (
    select
        suggestion_figures.suggestions,
        suggestion_figures.untagged_suggestions,
        suggestion_figures.auto_tagged_suggestions,
        suggestion_figures.auto_tagged_needing_review,
        member_figures.members,
        member_figures.members_without_department
    from suggestion_figures
    cross join member_figures
)

select * from final
