class UnicodeSlugConverter:
    """Like Django's ``slug`` converter, but accepts Arabic letters (``allow_unicode`` slugs)."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ExportFormatConverter:
    """The formats a list exports in (meetings/exports)."""

    regex = "csv|xlsx|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
