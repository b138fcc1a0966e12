-- Suggestions matching the shared filters and the explorer's own: one row per suggestion, newest workshop first, one
-- page at a time (a NULL page size returns every match, for downloads).
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL) as everywhere;
-- $explorer_theme_ids, $explorer_location_ids, $workshop_ids, $questions (lists or NULL; 'Not recorded' matches a
-- missing question); $search_pattern (an ILIKE pattern with backslash escapes, or NULL); $review_only (true keeps only
-- suggestions that need review); $review_below (confidence under which an auto tag needs review);
-- $page_size (rows, or NULL for all), $page_offset (rows to skip, or NULL).
-- Key: suggestion_id.
-- Example: {"review_below": 0.5, "page_size": 25, "page_offset": 0, "search_pattern": "%a%"}
with final as (
    select
        suggestions.suggestion_id,
        suggestions.text,
        suggestions.theme_id,
        current_themes.label as theme,
        suggestions.theme_source,
        suggestions.confidence,
        suggestions.needs_review,
        suggestions.location,
        suggestions.nation,
        suggestions.workshop_id,
        suggestions.held_on,
        suggestions.question
    from explored_suggestions(
        $theme_ids, $nations, $location_ids, $date_from, $date_to,
        $explorer_theme_ids, $explorer_location_ids, $workshop_ids, $questions, $search_pattern, $review_only, $review_below
    ) as suggestions
    left join current_themes using (theme_id)
)

select * from final
order by held_on desc, suggestion_id
limit $page_size
offset coalesce($page_offset, 0)
