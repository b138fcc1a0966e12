-- The three suggestions most typical of each theme among those matching the filters: one row per theme and rank.
-- Typical = hand-tagged suggestion whose words are closest (cosine similarity of TF-IDF word vectors) to the centroid
-- of all hand-tagged suggestions of its theme; the build stores each one's score (queries/typicality.sql).
-- Only suggestions of at most $quote_length characters are quoted: a long one matches many words of any centroid.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL);
-- $quote_length (the longest suggestion quoted, in characters; NULL for no limit).
-- Key: theme_id, quote_rank.
-- Example: {"quote_length": 160}
with candidates as (
    select
        typicality.suggestion_id,
        typicality.theme_id,
        current_themes.label,
        suggestions.text,
        suggestions.location,
        typicality.score
    from typicality
    inner join chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to) as suggestions
        using (suggestion_id)
    inner join current_themes on current_themes.theme_id = typicality.theme_id
    -- A suggestion a reviewer has moved to another theme is no longer quoted as typical of the one it was tagged with.
    where length(suggestions.text) <= coalesce($quote_length, 2000)
        and suggestions.theme_id is not distinct from typicality.theme_id
),

final as (
    select
        theme_id,
        label,
        row_number() over (partition by theme_id order by score desc, suggestion_id) as quote_rank,
        suggestion_id,
        text,
        location,
        score
    from candidates
    qualify quote_rank <= 3
)

select * from final
order by label, quote_rank
