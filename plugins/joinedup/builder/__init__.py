"""The pipeline: load, plan, render, index and publish atomically; the quick rebuild, Pagefind and the link checker of a built site."""
