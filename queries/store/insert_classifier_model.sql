-- Append one retrained classifier model.
-- Parameters: $model_version, $made_at, $made_by, $hand_coded, $reviewed, $training_ids, $model (bytes).
insert into classifier_models
values ($model_version, $made_at, $made_by, $hand_coded, $reviewed, $training_ids, $model)
