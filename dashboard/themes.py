"""The offline theme classifier: train on tagged suggestions, tag the untagged ones."""

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline


def train(texts: Sequence[str], theme_ids: Sequence[str], taxonomy: pd.DataFrame):
    """Fit a TF-IDF (words and characters) logistic regression on tagged texts plus the theme descriptions."""
    texts = list(texts) + list(taxonomy["label"] + ". " + taxonomy["description"])
    labels = list(theme_ids) + list(taxonomy["theme_id"])
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        ]
    )
    model = make_pipeline(features, LogisticRegression(C=10, max_iter=2000))
    return model.fit(texts, labels)


def predict(model, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The most likely theme of each text and its probability."""
    probabilities = model.predict_proba(list(texts))
    best = probabilities.argmax(axis=1)
    return model.classes_[best], probabilities[np.arange(len(best)), best]
