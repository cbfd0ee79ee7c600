"""The words every layer shares: the model's data classes, problems, messages in the site's language, dates, caches, Markdown and sanitising."""
