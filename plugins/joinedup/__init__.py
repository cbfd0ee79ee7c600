"""Joined Up: the library behind the site, the checker and the CLI. It never imports Pelican."""
