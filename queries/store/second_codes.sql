-- Every blind second coding, oldest first: one row per coding.
-- Parameters: none.
-- Key: code_id.
with final as (
    select
        code_id,
        request_id,
        suggestion_id,
        theme_id,
        coded_by,
        coded_at,
        text_hash,
        first_theme,
        first_source,
        first_coded_by
    from second_codes
)

select * from final
order by code_id
