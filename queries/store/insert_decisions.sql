-- Append theme decisions: one row per element of $decisions (a list of structs named as the columns below).
-- Parameters: $decisions.
insert into theme_decisions (
    request_id,
    suggestion_id,
    supersedes,
    theme_before,
    theme_after,
    action,
    source,
    decided_by,
    decided_at,
    note,
    text_hash,
    base_theme,
    base_source
)
select
    decision.request_id,
    decision.suggestion_id,
    decision.supersedes,
    decision.theme_before,
    decision.theme_after,
    decision.action,
    decision.source,
    decision.decided_by,
    decision.decided_at,
    decision.note,
    decision.text_hash,
    decision.base_theme,
    decision.base_source
from (select unnest($decisions) as decision)
