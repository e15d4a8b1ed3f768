"""Arabic date and time formats for the admin and the portal: «1 ديسمبر 2026، 7:01 ص».

Django's own Arabic formats leave DATETIME_FORMAT unset, so the admin fell back to the
English order («ديسمبر 1, 2026, 7:01 ص»). Day, month, year, then the Arabic comma and
the time; the rest is Django's (input formats included, so forms read what they did).
"""

from django.conf.locale.ar.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "j F Y، g:i A"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j/n/Y"
SHORT_DATETIME_FORMAT = "j/n/Y، g:i A"
# The Yemeni week starts on Saturday.
FIRST_DAY_OF_WEEK = 6
