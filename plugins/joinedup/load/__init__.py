"""Files to validated models: read the repository (YAML profiles, Markdown proposals and groups, data/, site.yaml, git history), check every rule, and build the model."""
