-- Three suggestions that stand for what the matching places said: at most three rows, one from each of the three
-- most common themes there (more from the top themes when fewer than three themes were heard).
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: suggestion_id.
-- Within a theme the most representative suggestion is the one tagged most surely (manual tags count as sure), then
-- the one whose length is nearest the theme's median there, so neither a one-word nor a rambling answer is picked.
with chosen_suggestions as (
    select
        suggestion_id,
        text,
        question,
        theme_id,
        confidence,
        location,
        held_on
    from chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to)
    where theme_id is not null
),

theme_ranks as (
    select
        theme_id,
        median(length(text)) as median_length,
        row_number() over (order by count(*) desc, theme_id) as theme_rank
    from chosen_suggestions
    group by theme_id
),

ranked as (
    select
        chosen_suggestions.*,
        theme_ranks.theme_rank,
        row_number() over (
            partition by chosen_suggestions.theme_id
            order by
                chosen_suggestions.confidence desc nulls last,
                abs(length(chosen_suggestions.text) - theme_ranks.median_length),
                chosen_suggestions.suggestion_id
        ) as rank_in_theme
    from chosen_suggestions
    inner join theme_ranks using (theme_id)
),

final as (
    select
        ranked.suggestion_id,
        ranked.text,
        ranked.question,
        ranked.location,
        ranked.held_on,
        current_themes.label as theme,
        ranked.theme_rank,
        ranked.rank_in_theme
    from ranked
    inner join current_themes using (theme_id)
)

select * from final
order by rank_in_theme, theme_rank
limit 3
