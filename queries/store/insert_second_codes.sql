-- Append blind second codings: one row per element of $codes (a list of structs named as the columns below).
-- Parameters: $codes.
insert into second_codes (
    request_id,
    suggestion_id,
    theme_id,
    coded_by,
    coded_at,
    text_hash,
    first_theme,
    first_source,
    first_coded_by
)
select
    code.request_id,
    code.suggestion_id,
    code.theme_id,
    code.coded_by,
    code.coded_at,
    code.text_hash,
    code.first_theme,
    code.first_source,
    code.first_coded_by
from (select unnest($codes) as code)
