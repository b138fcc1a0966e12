-- The workshop questions suggestions answered, for the explorer's picker: one row per question ('Not recorded' for
-- none), most answered first.
-- Parameters: none.
-- Key: question.
with final as (
    select
        coalesce(question, 'Not recorded') as question,
        count(*) as suggestions
    from suggestions
    group by coalesce(question, 'Not recorded')
)

select * from final
order by question = 'Not recorded', suggestions desc, question
