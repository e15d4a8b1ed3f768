"""Views of the portal: ``public`` pages for readers, ``discovery`` (calendars, robots.txt)
for what is read from outside, ``errors`` for the 404 and 500 pages."""
