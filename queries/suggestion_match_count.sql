-- How many suggestions match the shared filters and the explorer's own (see suggestion_matches.sql): one row.
-- Parameters: as suggestion_matches.sql, without the page.
-- Key: one row.
-- Example: {"review_below": 0.5, "search_pattern": "%a%"}
with matched as (
    select
        coalesce(suggestions.theme_source = 'auto' and suggestions.confidence < $review_below, false) as needs_review
    from suggestions
    inner join workshops using (workshop_id)
    inner join locations using (location_id)
    where ($nations is null or list_contains($nations, locations.nation))
        and ($location_ids is null or list_contains($location_ids, workshops.location_id))
        and ($date_from is null or workshops.held_on >= $date_from)
        and ($date_to is null or workshops.held_on <= $date_to)
        and ($theme_ids is null or list_contains($theme_ids, suggestions.theme_id))
        and ($explorer_theme_ids is null or list_contains($explorer_theme_ids, suggestions.theme_id))
        and ($explorer_location_ids is null or list_contains($explorer_location_ids, workshops.location_id))
        and ($workshop_ids is null or list_contains($workshop_ids, workshops.workshop_id))
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
