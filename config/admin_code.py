"""Read-only display of Remotion code in the admin.

Code is shown, never edited, in the admin: it comes from the generator or the editor, and
a staff typo in a textarea would silently break every render of it.
"""
from django.contrib import admin
from django.utils.html import format_html

_PRE_STYLE = "font-family: monospace; white-space: pre; overflow: auto; max-height: 32em; margin: 0"


def _code_block(text):
    return format_html('<pre style="{}">{}</pre>', _PRE_STYLE, text or "(empty)")


class CodeBlocksMixin:
    """For a ModelAdmin whose model has `code` and `raw_code`: list these in readonly_fields."""

    code_blocks = ("code_block", "raw_code_block")

    @admin.display(description="code")
    def code_block(self, obj):
        return _code_block(obj.code)

    @admin.display(description="raw code (untransformed)")
    def raw_code_block(self, obj):
        return _code_block(obj.raw_code)
