-- What emerging themes are looked for in: suggestions a reviewer said no theme fits ("none of these") and machine tags
-- of low confidence (under $review_below), leaving out those an admin has already proposed a theme for. The shared
-- filters do not apply: a theme is looked for in everything. One row per suggestion.
-- Parameters: $review_below (0-1), $proposed_ids (a list of suggestion ids, or NULL for none).
-- Key: suggestion_id.
-- Example: {"review_below": 0.5, "proposed_ids": null}
with final as (
    select
        suggestions.suggestion_id,
        suggestions.text,
        suggestions.location,
        suggestions.theme_id,
        suggestions.theme_source,
        suggestions.confidence
    from chosen_suggestions(null, null, null, null, null) as suggestions
    where (
        (suggestions.theme_id is null and suggestions.review_state = 'applies')
        or (suggestions.theme_source = 'auto' and suggestions.confidence < $review_below)
    )
        and not ($proposed_ids is not null and list_contains($proposed_ids, suggestions.suggestion_id))
)

select * from final
order by suggestion_id
