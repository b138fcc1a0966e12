-- Whether a request to change the taxonomy or decide on an emerging theme has been written already (a double click):
-- one row, how many rows carry the request id.
-- Parameters: $request_id.
select
    (select count(*) from taxonomy_events where request_id = $request_id)
    + (select count(*) from candidate_decisions where request_id = $request_id) as seen
