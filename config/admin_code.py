"""Read-only display of Remotion code in the admin.

Code is shown, never edited, in the admin: it comes from the generator or the editor, and
a staff typo in a textarea would silently break every render of it.
"""
from django.contrib import admin
from django.utils.html import format_html

_PRE_STYLE = "font-family: monospace; white-space: pre; overflow: auto; max-height: 32em; margin: 0"


def code_html(text):
    return format_html('<pre style="{}">{}</pre>', _PRE_STYLE, text or "(empty)")


def _problem_text(problem):
    where = f", line {problem['line']}, column {problem['column']}" if problem.get("line") else ""
    return f"{problem['code']}{where}: {problem['message']}"


class CodeProblemFilter(admin.SimpleListFilter):
    title = "code problem"
    parameter_name = "code_problem"

    def lookups(self, request, model_admin):
        return (("yes", "Fails the check on save"), ("no", "Passes"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(code_problem__isnull=self.value() == "no")
        return queryset


class CodeBlocksMixin:
    """For a ModelAdmin whose model has `code`, `raw_code` and `code_problem`: list
    code_blocks in readonly_fields, `code_ok` in list_display and
    CodeProblemFilter in list_filter."""

    code_blocks = ("code_problem_text", "code_block", "raw_code_block")

    @admin.display(description="code problem")
    def code_problem_text(self, obj):
        if not obj.code_problem:
            return "None: the code passes the check on save."
        return _problem_text(obj.code_problem)

    @admin.display(description="code OK", boolean=True)
    def code_ok(self, obj):
        return not obj.code_problem

    @admin.display(description="code")
    def code_block(self, obj):
        return code_html(obj.code)

    @admin.display(description="raw code (untransformed)")
    def raw_code_block(self, obj):
        return code_html(obj.raw_code)
