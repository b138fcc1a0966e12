-- How the team's latest theme decisions stand against this database: one row per review_state ('applies', 'stale':
-- the text changed since, 'superseded': an import brought a hand-coded theme the reviewer did not see). Decisions on
-- suggestions no longer in the data have no row.
-- Parameters: none.
-- Key: review_state.
with final as (
    select
        review_state,
        count(*) as decisions
    from current_suggestions()
    where review_state is not null
    group by review_state
)

select * from final
order by review_state
