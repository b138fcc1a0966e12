-- The three suggestions most typical of each theme among those matching the filters: one row per theme and rank.
-- Typical = hand-tagged suggestion whose words are closest (cosine similarity of TF-IDF word vectors) to the centroid
-- of all hand-tagged suggestions of its theme; the build stores each one's score (queries/typicality.sql). A theme
-- merged into another is quoted under that one, the two themes' most typical in turn.
-- Only suggestions of at most $quote_length characters are quoted: a long one matches many words of any centroid. Nor
-- are those of fewer than $quote_words words: "pay!!!" is very typical of its theme's words and says nothing to a board.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL);
-- $quote_length (the longest suggestion quoted, in characters; NULL for no limit); $quote_words (the fewest words,
-- runs of characters between white space of any kind; NULL for no limit).
-- Key: theme_id, quote_rank.
-- Example: {"quote_length": 160, "quote_words": 4}
with typical as (
    -- A merged theme's hand-tagged suggestions are quoted under the theme it went to, as they are counted there
    -- (theme_moves; a theme retired with nowhere named for its suggestions is quoted nowhere). Each keeps its score
    -- against the centroid of the theme it was tagged with (part_theme_id), which the build made.
    select
        typicality.suggestion_id,
        case when theme_moves.theme_id is null then typicality.theme_id else theme_moves.current_theme_id end
            as theme_id,
        typicality.theme_id as part_theme_id,
        typicality.score
    from typicality
    left join theme_moves using (theme_id)
),

candidates as (
    select
        typical.suggestion_id,
        typical.theme_id,
        current_themes.label,
        suggestions.text,
        suggestions.location,
        typical.score,
        -- Scores against different centroids do not compare well (one theme's wording can be more uniform than
        -- another's), so a theme made of merged parts quotes each part's most typical in turn, best score first.
        row_number() over (
            partition by typical.theme_id, typical.part_theme_id
            order by typical.score desc, typical.suggestion_id
        ) as part_rank
    from typical
    inner join chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to) as suggestions
        using (suggestion_id)
    inner join current_themes on current_themes.theme_id = typical.theme_id
    -- A suggestion a reviewer has moved to another theme is no longer quoted as typical of the one it was tagged with.
    where length(suggestions.text) <= coalesce($quote_length, 2000)
        -- Words as Python's str.split() finds them: runs of anything but white space, a non-breaking space included.
        and len(regexp_extract_all(suggestions.text, '[^\s\pZ\v]+')) >= coalesce($quote_words, 0)
        and suggestions.theme_id is not distinct from typical.theme_id
),

final as (
    select
        theme_id,
        label,
        row_number() over (partition by theme_id order by part_rank, score desc, suggestion_id) as quote_rank,
        suggestion_id,
        text,
        location,
        score
    from candidates
    qualify quote_rank <= 3
)

select * from final
order by label, quote_rank
