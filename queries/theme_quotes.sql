-- The three suggestions most typical of each theme among those matching the filters: one row per theme and rank.
-- Typical = hand-tagged suggestion whose words are closest (cosine similarity of TF-IDF word vectors) to the centroid
-- of all hand-tagged suggestions of its theme; computed here from the stored text, so no model runs at view time.
-- Only suggestions of at most $quote_length characters are quoted: a long one matches many words of any centroid.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL);
-- $quote_length (the longest suggestion quoted, in characters; NULL for no limit).
-- Key: theme_id, quote_rank.
-- Example: {"quote_length": 160}
with manual as (
    select
        suggestion_id,
        theme_id,
        text
    from suggestions
    where theme_source = 'manual'
),

words as (
    select
        manual.suggestion_id,
        manual.theme_id,
        unnest(regexp_extract_all(lower(manual.text), '[a-z][a-z0-9&]+')) as word
    from manual
),

term_counts as (
    select
        suggestion_id,
        theme_id,
        word,
        count(*) as occurrences
    from words
    group by suggestion_id, theme_id, word
),

idf as (
    select
        word,
        ln((select count(*) from manual) / count(*)) as idf
    from term_counts
    group by word
),

weighted as (
    select
        term_counts.suggestion_id,
        term_counts.theme_id,
        term_counts.word,
        (1 + ln(term_counts.occurrences)) * idf.idf as weight
    from term_counts
    inner join idf using (word)
),

unit_vectors as (
    select
        suggestion_id,
        theme_id,
        word,
        weight / nullif(sqrt(sum(weight * weight) over (partition by suggestion_id)), 0) as weight
    from weighted
),

centroids as (
    select
        unit_vectors.theme_id,
        unit_vectors.word,
        sum(unit_vectors.weight) / any_value(theme_sizes.suggestions) as weight
    from unit_vectors
    inner join (
        select
            theme_id,
            count(*) as suggestions
        from manual
        group by theme_id
    ) as theme_sizes using (theme_id)
    group by unit_vectors.theme_id, unit_vectors.word
),

similarity as (
    select
        unit_vectors.suggestion_id,
        unit_vectors.theme_id,
        sum(unit_vectors.weight * centroids.weight) as score
    from unit_vectors
    inner join centroids using (theme_id, word)
    group by unit_vectors.suggestion_id, unit_vectors.theme_id
),

candidates as (
    select
        similarity.suggestion_id,
        similarity.theme_id,
        themes.label,
        suggestions.text,
        suggestions.location,
        similarity.score
    from similarity
    inner join chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to) as suggestions
        using (suggestion_id)
    inner join themes on themes.theme_id = similarity.theme_id
    where length(suggestions.text) <= coalesce($quote_length, 2000)
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
