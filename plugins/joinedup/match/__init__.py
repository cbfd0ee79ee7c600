"""Who can help with what: the explained ranking of people for a need, the needs themselves, and the Whoosh index that search and match query."""
