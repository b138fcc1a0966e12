"""Theme review: reviewers check and correct the classifier's themes; each decision goes to the team's store."""
