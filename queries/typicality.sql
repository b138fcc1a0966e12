-- Build step (not a page query): how typical each hand-tagged suggestion is of its theme, stored in `typicality`.
-- Typical = closest in wording (cosine similarity of TF-IDF word vectors) to the centroid of all hand-tagged
-- suggestions of its theme. It depends on every hand-tagged suggestion, not on a page's filters, so the build works it
-- out once instead of each page view (at 50x the data that took half a second a view).
insert into typicality
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
)

select
    suggestion_id,
    theme_id,
    score
from similarity
