"""The model to what is published: the page plan, template globals, feeds, open data, facet files and the sitemap."""
