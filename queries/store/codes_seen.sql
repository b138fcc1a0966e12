-- The blind codings already written for the given request ids (a double submit sends the same ids again): one row each.
-- Parameters: $request_ids (a list of request ids).
-- Key: request_id.
select
    request_id,
    code_id
from second_codes
where list_contains($request_ids, request_id)
