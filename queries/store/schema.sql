-- The team's writable store (dashboard/store.py): its tables, created if missing. Not the analytic database: nothing
-- here can be rebuilt from data/, so builds and imports never touch this file.
-- Decisions are events: rows are only ever inserted, never updated or deleted (dashboard/store.py has no other verb).

-- One row: the schema's version and this store's own id, made when the file is: with the newest decision's id it
-- names one state of one store, so a store replaced by another (a restore) is never taken for the one before.
create table if not exists store_info (
    schema_version integer not null,
    store_id varchar not null
);

create sequence if not exists decision_ids start 1;

-- One row per theme decision. The current theme of a suggestion is its latest decision that still applies
-- (queries/macros.sql, current_suggestions). supersedes is the decision the writer saw as the latest (0 for none): the
-- unique key makes two writers who saw the same state unable both to land, whatever the application does.
create table if not exists theme_decisions (
    decision_id bigint primary key default nextval('decision_ids'),
    request_id varchar not null unique check (length(request_id) between 8 and 128),
    suggestion_id varchar not null check (length(trim(suggestion_id)) > 0),
    supersedes bigint not null check (supersedes >= 0),
    theme_before varchar,
    theme_after varchar,
    action varchar not null check (action in ('confirm', 'change', 'none')),
    source varchar not null check (source in ('classifier', 'reviewer', 'import')),
    decided_by varchar not null check (length(trim(decided_by)) > 0),
    decided_at timestamp not null,
    note varchar not null check (length(note) <= 2000),
    text_hash varchar not null check (regexp_full_match(text_hash, '[0-9a-f]{64}')),
    -- The analytic database's own tag when the decision was made: the file's hand-coded theme or the classifier's.
    base_theme varchar,
    base_source varchar check (base_source in ('manual', 'auto')),
    check ((action = 'none') = (theme_after is null)),
    unique (suggestion_id, supersedes)
);

create sequence if not exists second_code_ids start 1;

-- One row per blind second coding (second-coder mode, dashboard/review/agreement.py): a reviewer coded a suggestion
-- with its current theme hidden. These never change a suggestion's theme; they only measure how often two people
-- agree. first_theme is the human theme that was hidden (NULL: "none of these"), first_source says whose it was
-- ('manual': hand-coded in the imported file, 'reviewed': a review decision) and first_coded_by who made it. Added
-- after the first stores were made: `create table if not exists` adds it to an older store as it stands, and
-- theme_decisions is unchanged.
create table if not exists second_codes (
    code_id bigint primary key default nextval('second_code_ids'),
    request_id varchar not null unique check (length(request_id) between 8 and 128),
    suggestion_id varchar not null check (length(trim(suggestion_id)) > 0),
    theme_id varchar,
    coded_by varchar not null check (length(trim(coded_by)) > 0),
    coded_at timestamp not null,
    text_hash varchar not null check (regexp_full_match(text_hash, '[0-9a-f]{64}')),
    first_theme varchar,
    first_source varchar not null check (first_source in ('manual', 'reviewed')),
    first_coded_by varchar not null check (length(trim(first_coded_by)) > 0),
    check (first_coded_by <> coded_by),
    -- One blind coding per person per suggestion: a second try is refused, not a second opinion.
    unique (suggestion_id, coded_by)
);

-- One row per classifier model a retrain made (dashboard/retraining.py), kept so that any of them can be restored.
-- model is the fitted scikit-learn pipeline, pickled: only dashboard/store.py writes this file, so it is trusted as
-- code is; never load a model from anywhere else. training_ids are the suggestions it learnt from. The build's own
-- models ('build-…') are not kept: the build makes the same one again from the same hand-coded themes.
create table if not exists classifier_models (
    model_version varchar primary key check (regexp_full_match(model_version, 'retrain-[0-9a-z-]{6,40}')),
    made_at timestamp not null,
    made_by varchar not null check (length(trim(made_by)) > 0),
    hand_coded integer not null check (hand_coded >= 0),
    reviewed integer not null check (reviewed >= 0),
    training_ids varchar[] not null,
    model blob not null
);

create sequence if not exists classifier_run_ids start 1;

-- One row per retrain or restore of the classifier: from then on model_version tags the unreviewed machine tags of the
-- analytic database whose data version is data_version_after. before_f1 and after_f1 are the cross-validated
-- macro-F1 of the previous and the new model's training on the same folds (NULL for a restore).
create table if not exists classifier_runs (
    run_id bigint primary key default nextval('classifier_run_ids'),
    action varchar not null check (action in ('retrain', 'restore')),
    model_version varchar not null check (regexp_full_match(model_version, '(build|retrain)-[0-9a-z-]{6,40}')),
    previous_version varchar,
    run_by varchar not null check (length(trim(run_by)) > 0),
    run_at timestamp not null,
    before_f1 double check (before_f1 between 0 and 1),
    after_f1 double check (after_f1 between 0 and 1),
    retagged integer not null check (retagged >= 0),
    changed integer not null check (changed between 0 and retagged),
    data_version_before varchar not null,
    data_version_after varchar not null
);

create sequence if not exists taxonomy_event_ids start 1;

-- One row per change to the theme taxonomy (dashboard/review/taxonomy.py): a theme added, renamed, merged into
-- another, or retired. The taxonomy the pages show is the analytic database's themes with these applied in order
-- (taxonomy.apply). 'merge' and 'retire' send the theme's suggestions to into_theme_id (a retire of a theme that holds
-- none may name no destination). Changes are serialised: supersedes is the newest event its writer saw (0 for none),
-- and its unique key lets only one of two admins who saw the same taxonomy land a change.
create table if not exists taxonomy_events (
    event_id bigint primary key default nextval('taxonomy_event_ids'),
    request_id varchar not null unique check (length(request_id) between 8 and 128),
    supersedes bigint not null unique check (supersedes >= 0),
    action varchar not null check (action in ('add', 'rename', 'merge', 'retire')),
    theme_id varchar not null check (regexp_full_match(theme_id, '[a-z][a-z_]{1,31}')),
    label varchar check (length(trim(label)) between 1 and 80),
    description varchar check (length(description) <= 500),
    into_theme_id varchar,
    made_by varchar not null check (length(trim(made_by)) > 0),
    made_at timestamp not null,
    check ((action in ('add', 'rename')) = (label is not null)),
    check (action <> 'merge' or into_theme_id is not null),
    check (into_theme_id is distinct from theme_id)
);

create sequence if not exists candidate_decision_ids start 1;

-- One row per admin decision on an emerging theme (dashboard/review/emerging.py): a cluster of "none of these" and
-- low-confidence suggestions promoted to a new theme, merged into an existing one (either way its suggestions go to the
-- review queue with theme_id proposed), or dismissed (theme_id NULL). top_terms and suggestion_ids describe the
-- candidate as it was shown, so that the same candidate, found again, is recognised and not offered again.
create table if not exists candidate_decisions (
    candidate_decision_id bigint primary key default nextval('candidate_decision_ids'),
    request_id varchar not null unique check (length(request_id) between 8 and 128),
    action varchar not null check (action in ('promote', 'merge', 'dismiss')),
    theme_id varchar,
    top_terms varchar[] not null,
    suggestion_ids varchar[] not null check (len(suggestion_ids) > 0),
    decided_by varchar not null check (length(trim(decided_by)) > 0),
    decided_at timestamp not null,
    check ((action = 'dismiss') = (theme_id is null))
);

create sequence if not exists story_version_ids start 1;

-- Board stories (dashboard/stories.py): one row per saved version of a story, never changed afterwards. A story's
-- current state is its highest version; `version` counts from 1 within the story, and the unique key
-- (story_id, version) makes two editors who saw the same version unable both to land. slides is the JSON list of the
-- story's slides (kind, title, commentary, filters, the page's choices). An 'approve' row freezes the story:
-- snapshot holds every slide as rendered then (headline, table, chart data, JSON), with the data's date and version,
-- so the meeting's pack keeps its numbers after later imports. A later edit is a new, unapproved version.
create table if not exists story_versions (
    version_id bigint primary key default nextval('story_version_ids'),
    request_id varchar not null unique check (length(request_id) between 8 and 128),
    story_id varchar not null check (regexp_full_match(story_id, '[0-9a-f]{32}')),
    version integer not null check (version >= 1),
    action varchar not null check (action in ('create', 'edit', 'duplicate', 'approve')),
    meeting varchar not null check (length(trim(meeting)) between 1 and 200),
    meeting_date date,
    summary varchar not null check (length(summary) <= 2000),
    slides varchar not null check (json_valid(slides)),
    saved_by varchar not null check (length(trim(saved_by)) > 0),
    saved_at timestamp not null,
    duplicated_from varchar,
    snapshot varchar check (snapshot is null or json_valid(snapshot)),
    data_date date,
    data_version varchar,
    check ((action = 'approve') = (snapshot is not null)),
    check ((action = 'duplicate') = (duplicated_from is not null)),
    check ((action = 'create' or action = 'duplicate') = (version = 1)),
    unique (story_id, version)
);
