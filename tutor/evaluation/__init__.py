"""The eval suite: datasets, metrics, the runner and the report (data lives in `evals/`)."""
