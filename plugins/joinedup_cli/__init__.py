"""The command line's commands for contributors (contribute.py) and for finding people (find.py).

A thin shell like ``joinedup_pelican``: click options, what to print and exit codes; the work is
in the ``joinedup`` library, which never imports this package. ``tasks.py`` registers the commands
on its group and hands each the repository it works on as click's context object
(``click.pass_obj``).
"""
