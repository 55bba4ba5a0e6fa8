"""Content as files: the schema of content/, the loader and the pre-flight checker."""
