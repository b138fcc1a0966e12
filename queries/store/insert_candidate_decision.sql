-- Append one decision on an emerging theme.
-- Parameters: the columns of candidate_decisions but candidate_decision_id.
insert into candidate_decisions (
    request_id,
    action,
    theme_id,
    top_terms,
    suggestion_ids,
    decided_by,
    decided_at
)
values (
    $request_id,
    $action,
    $theme_id,
    $top_terms,
    $suggestion_ids,
    $decided_by,
    $decided_at
)
