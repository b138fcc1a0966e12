-- Development schemes for the Leadership page's picker: one row per scheme, central schemes first.
-- Parameters: none.
-- Key: scheme_id.
with final as (
    select
        schemes.scheme_id,
        schemes.name,
        schemes.kind,
        schemes.department_id,
        departments.name as department_name
    from schemes
    left join departments using (department_id)
)

select * from final
order by
    case kind when 'central' then 1 when 'profession' then 2 else 3 end,
    name
