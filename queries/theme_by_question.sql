-- Suggestions per workshop question and theme, with each theme's share of the question's answers: one row per question
-- answered by a matching suggestion and per theme (zero counts kept); an unrecorded question is 'Not recorded'.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: question, theme_id.
with chosen_themes as (
    select
        theme_id,
        label
    from current_themes
    where $theme_ids is null or list_contains($theme_ids, theme_id)
),

chosen_suggestions as (
    select
        coalesce(suggestions.question, 'Not recorded') as question,
        suggestions.theme_id
    from chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to) as suggestions
    inner join chosen_themes using (theme_id)
),

grid as (
    select distinct
        chosen_suggestions.question,
        chosen_themes.theme_id,
        chosen_themes.label
    from chosen_suggestions
    cross join chosen_themes
),

counted as (
    select
        grid.question,
        grid.theme_id,
        grid.label,
        count(chosen_suggestions.theme_id) as suggestions
    from grid
    left join chosen_suggestions
        on chosen_suggestions.question = grid.question
        and chosen_suggestions.theme_id = grid.theme_id
    group by grid.question, grid.theme_id, grid.label
),

final as (
    select
        question,
        theme_id,
        label,
        suggestions,
        coalesce(suggestions / nullif(sum(suggestions) over (partition by question), 0), 0) as share,
        cast(sum(suggestions) over (partition by question) as bigint) as question_suggestions
    from counted
)

select * from final
order by question_suggestions desc, question, label
