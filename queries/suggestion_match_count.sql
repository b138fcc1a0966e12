-- How many suggestions match the shared filters and the explorer's own (see suggestion_matches.sql): one row.
-- Parameters: as suggestion_matches.sql, without the page.
-- Key: one row.
-- Example: {"review_below": 0.5, "search_pattern": "%a%"}
with matched as (
    select
        coalesce(suggestions.theme_source = 'auto' and suggestions.confidence < $review_below, false) as needs_review
    from chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to) as suggestions
    where ($explorer_theme_ids is null or list_contains($explorer_theme_ids, suggestions.theme_id))
        and ($explorer_location_ids is null or list_contains($explorer_location_ids, suggestions.location_id))
        and ($workshop_ids is null or list_contains($workshop_ids, suggestions.workshop_id))
        and ($questions is null or list_contains($questions, coalesce(suggestions.question, 'Not recorded')))
        and ($search_pattern is null or suggestions.text ilike $search_pattern escape '\')
),

final as (
    select
        count(*) as matches,
        count(*) filter (where needs_review) as needs_review
    from matched
    where not coalesce($review_only, false) or needs_review
)

select * from final
