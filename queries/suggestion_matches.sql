-- Suggestions matching the shared filters and the explorer's own: one row per suggestion, newest workshop first, one
-- page at a time (a NULL page size returns every match, for downloads).
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL) as everywhere;
-- $explorer_theme_ids, $explorer_location_ids, $workshop_ids, $questions (lists or NULL; 'Not recorded' matches a
-- missing question); $search_pattern (an ILIKE pattern with backslash escapes, or NULL); $review_only (true keeps only
-- suggestions that need review); $review_below (confidence under which an auto tag needs review);
-- $page_size (rows, or NULL for all), $page_offset (rows to skip, or NULL).
-- Key: suggestion_id.
-- Example: {"review_below": 0.5, "page_size": 25, "page_offset": 0, "search_pattern": "%a%"}
with matched as (
    select
        suggestions.suggestion_id,
        suggestions.text,
        suggestions.theme_id,
        themes.label as theme,
        suggestions.theme_source,
        suggestions.confidence,
        coalesce(suggestions.theme_source = 'auto' and suggestions.confidence < $review_below, false) as needs_review,
        suggestions.location,
        suggestions.nation,
        suggestions.workshop_id,
        suggestions.held_on,
        suggestions.question
    from chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to) as suggestions
    left join themes using (theme_id)
    where ($explorer_theme_ids is null or list_contains($explorer_theme_ids, suggestions.theme_id))
        and ($explorer_location_ids is null or list_contains($explorer_location_ids, suggestions.location_id))
        and ($workshop_ids is null or list_contains($workshop_ids, suggestions.workshop_id))
        and ($questions is null or list_contains($questions, coalesce(suggestions.question, 'Not recorded')))
        and ($search_pattern is null or suggestions.text ilike $search_pattern escape '\')
),

final as (
    select *
    from matched
    where not coalesce($review_only, false) or needs_review
)

select * from final
order by held_on desc, suggestion_id
limit $page_size
offset coalesce($page_offset, 0)
