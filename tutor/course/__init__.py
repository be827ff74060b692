"""The course: lessons on disk -> chunks (lessons) -> a versioned Chroma index, written by `ingest` and
`index`, read by questions through `reader` (one published version at a time)."""
