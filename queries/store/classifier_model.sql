-- One kept classifier model, pickled, and the suggestions it learnt from: one row, or none for an unknown version.
-- Parameters: $model_version.
-- Key: model_version.
select
    model_version,
    training_ids,
    model
from classifier_models
where model_version = $model_version
