"""The Hijri date of a Gregorian date, as the pages and the exports write it."""

from functools import lru_cache

from hijridate import Gregorian


@lru_cache(maxsize=4096)
def hijri_text(value, language):
    """«2 جمادى الأولى 1444 هـ» / «2 Jumada al-Ula 1444 AH», «10 ذي الحجة 1444 هـ»; empty outside
    the calendar's range (1924–2077)."""
    if not value:
        return ""
    try:
        day = Gregorian(value.year, value.month, value.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    language = "ar" if language == "ar" else "en"
    month = day.month_name(language)
    if language == "ar" and month.startswith("ذو "):
        # The month follows the day as its complement, hence the genitive: «10 ذي الحجة».
        month = "ذي " + month.removeprefix("ذو ")
    # A no-break space keeps the era with its year («1444 هـ» never splits across lines).
    return f"{day.day} {month} {day.year}\u00a0{day.notation(language)}"
