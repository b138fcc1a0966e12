-- Append one change to the theme taxonomy.
-- Parameters: the columns of taxonomy_events but event_id.
insert into taxonomy_events (
    request_id,
    supersedes,
    action,
    theme_id,
    label,
    description,
    into_theme_id,
    made_by,
    made_at
)
values (
    $request_id,
    $supersedes,
    $action,
    $theme_id,
    $label,
    $description,
    $into_theme_id,
    $made_by,
    $made_at
)
