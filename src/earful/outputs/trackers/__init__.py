"""Issue trackers (GitHub, Jira, Linear) and filing feedback themes into them.

:func:`~earful.outputs.trackers.filing.file_theme` files a theme (or adds its evidence to a
duplicate), :func:`~earful.outputs.trackers.filing.sync_links` refreshes linked issue states,
:func:`~earful.outputs.trackers.filing.closed_loop` drafts replies once an issue closes.
"""
