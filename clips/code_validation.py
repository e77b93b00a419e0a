"""The check every piece of generated code passes before it is saved or rendered.

One module for the API, the pages, the admin and the render service, so all of them
refuse the same code with the same stable code and position:

- `code_too_large`: more than settings.CODE_MAX_BYTES UTF-8 bytes (code and raw_code);
- `code_syntax_error`: not valid TSX;
- `code_import_not_allowed`: an import (or re-export) from outside allowed-modules.json;
- `code_forbidden_api`: a denied global, property, string key or syntax (clips.code_rules);
- `code_no_default_export`: nothing is exported as default.

Parsing is tree-sitter's TSX grammar in-process (no Node on web hosts; a few
milliseconds for a 20 KB clip, bench/code_validation.py measures it). Tree-sitter recovers
from errors instead of stopping, so any ERROR or MISSING node is a syntax error.
Identifiers are compared by the name they spell, escapes decoded (`\\u0066etch` is `fetch`).
"""
import re
import threading
from dataclasses import asdict, dataclass
from functools import cache

import tree_sitter_typescript
from django.conf import settings
from tree_sitter import Language, Parser, Query, QueryCursor

from clips import code_rules
from clips.code_scopes import ScopeReader, identifier_name
from config.api.exceptions import ApplicationError

SYNTAX_ERROR = "code_syntax_error"
NO_DEFAULT_EXPORT = "code_no_default_export"
IMPORT_NOT_ALLOWED = "code_import_not_allowed"
FORBIDDEN_API = "code_forbidden_api"
TOO_LARGE = "code_too_large"
# Every code a rejected code can carry (documented in the OpenAPI schema).
PROBLEM_CODES = (SYNTAX_ERROR, NO_DEFAULT_EXPORT, IMPORT_NOT_ALLOWED, FORBIDDEN_API, TOO_LARGE)

# Each capture name is a rule of _Checker (names starting with "_" only anchor a pattern);
# the predicates run in tree-sitter's C code, so only suspicious nodes reach Python.
_NAMES = "|".join(sorted(code_rules.DENIED_GLOBALS | code_rules.DENIED_PROPERTIES))
_PREFIXES = "|".join(("__", *code_rules.DENIED_GLOBAL_PREFIXES))
_SUSPICIOUS = f"^(({_NAMES})$|{_PREFIXES})"
_ELEMENTS = f"^({'|'.join(sorted(code_rules.DENIED_ELEMENTS))})$"
_QUERY = f"""
(import_statement source: (string) @import)
(export_statement source: (string) @import)
(import_require_clause) @require
(call_expression function: (import) @dynamic_import)
(meta_property) @meta
(with_statement) @with
(jsx_closing_element) @closing
((jsx_opening_element name: (identifier) @element) (#match? @element "{_ELEMENTS}"))
((jsx_self_closing_element name: (identifier) @element) (#match? @element "{_ELEMENTS}"))
(call_expression
  function: [(identifier) @_factory (member_expression property: (property_identifier) @_factory)]
  arguments: (arguments . [(string) (template_string)] @element)
  (#match? @_factory "^(createElement|jsx|jsxs|jsxDEV)$"))
(export_statement "default" @default)
(export_specifier alias: (_) @export_alias)
((identifier) @name (#match? @name "{_SUSPICIOUS}|\\\\\\\\"))
((shorthand_property_identifier) @name (#match? @name "{_SUSPICIOUS}|\\\\\\\\"))
((property_identifier) @property (#match? @property "{_SUSPICIOUS}|\\\\\\\\"))
((shorthand_property_identifier_pattern) @property (#match? @property "{_SUSPICIOUS}|\\\\\\\\"))
((string) @string (#match? @string "^.({_NAMES}|({_PREFIXES}).*).$|\\\\\\\\"))
((template_string) @string (#match? @string "^.({_NAMES}|({_PREFIXES}).*).$|\\\\\\\\"))
"""
# Property names that are declarations of the code's own members, not accesses.
_OWN_MEMBER_PARENTS = frozenset({"property_signature", "method_signature"})
_JSX_NAME_PARENTS = frozenset({"jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element"})
_BRACED_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}")
_per_thread = threading.local()


@dataclass(frozen=True)
class CodeProblem:
    code: str
    message: str
    line: int | None = None
    column: int | None = None

    def as_dict(self):
        return asdict(self)

    def __str__(self):
        where = f"Line {self.line}, column {self.column}: " if self.line else ""
        return f"{where}{self.message}"


class CodeRejected(ApplicationError):
    """A 400 in the API's error shape, with where the problem is: `field`, `line`, `column`."""

    def __init__(self, problem, *, field="code"):
        super().__init__(
            problem.code,
            f"{field}: {problem}",
            extra={"field": field, "line": problem.line, "column": problem.column},
        )
        self.problem = problem
        self.field = field


def code_check(code, *, field="code"):
    """Raise CodeRejected for the first problem of `code`; the one entry point for writers."""
    if problem := code_problem(code):
        raise CodeRejected(problem, field=field)


def raw_code_check(raw_code):
    """raw_code is kept for display only, never run: it is bounded, not parsed."""
    if problem := _size_problem(raw_code):
        raise CodeRejected(problem, field="raw_code")


def code_problem(code):
    """The first thing wrong with `code`, or None when it may be saved and rendered."""
    if problem := _size_problem(code):
        return problem
    source = code.encode()
    tree = _parser().parse(source)
    if tree.root_node.has_error:
        return _syntax_problem(tree.root_node, source)
    return _Checker(source).check(tree.root_node)


def _size_problem(code):
    limit = settings.CODE_MAX_BYTES
    size = len(code.encode())
    if size > limit:
        return CodeProblem(TOO_LARGE, f"The code is {size} bytes; the limit is {limit} bytes (UTF-8).")
    return None


def _parser():
    # The C parser is not thread-safe; py-tree-sitter holds the GIL through a parse today
    # (tree-sitter/py-tree-sitter#111 would change that), so give each thread its own
    # rather than depend on it. Language and Query are immutable and shared.
    parser = getattr(_per_thread, "parser", None)
    if parser is None:
        parser = _per_thread.parser = Parser(_language())
    return parser


@cache
def _language():
    return Language(tree_sitter_typescript.language_tsx())


@cache
def _query():
    return Query(_language(), _QUERY)


def _syntax_problem(root, source):
    node = root
    while node.type != "ERROR" and not node.is_missing:
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            break
        node = child
    unclosed = next((c for c in node.children if c.type == "jsx_opening_element"), None)
    if node.is_missing:
        message = f"Syntax error: missing `{node.type}`."
    elif unclosed is not None:
        node, message = unclosed, f"Syntax error: `{_text(unclosed)}` is never closed."
    else:
        snippet = source[node.start_byte : node.end_byte].decode(errors="replace").strip().splitlines()
        found = f" `{snippet[0][:40]}`" if snippet else ""
        message = f"Syntax error: unexpected{found}."
    return CodeProblem(SYNTAX_ERROR, message, *_position(node, source))


def _position(node, source):
    """1-based line and column, the column counted in characters as an editor shows it."""
    row, byte_column = node.start_point
    line_start = node.start_byte - byte_column
    return row + 1, len(source[line_start : node.start_byte].decode(errors="replace")) + 1


class _Checker:
    def __init__(self, source):
        self.source = source
        self.scopes = ScopeReader()

    def check(self, root):
        captures = QueryCursor(_query()).captures(root)
        has_default = bool(captures.pop("default", None)) or any(
            _text(alias) == "default" for alias in captures.pop("export_alias", ())
        )
        problems = [
            problem
            for name, nodes in captures.items()
            if not name.startswith("_")
            for node in nodes
            if (problem := getattr(self, f"_{name}")(node))
        ]
        if problems:
            order = {SYNTAX_ERROR: 0, IMPORT_NOT_ALLOWED: 1, FORBIDDEN_API: 2}
            return min(problems, key=lambda p: (order[p.code], p.line, p.column))
        if not has_default:
            return CodeProblem(NO_DEFAULT_EXPORT, "The code must `export default` a React component.", 1, 1)
        return None

    def _problem(self, code, node, message):
        return CodeProblem(code, message, *_position(node, self.source))

    def _forbidden(self, node, what):
        return self._problem(FORBIDDEN_API, node, f"{what} is not allowed in generated code.")

    def _import(self, node):
        module = _string_value(node)
        if module in code_rules.allowed_modules():
            return None
        allowed = ", ".join(sorted(code_rules.allowed_modules()))
        message = f'Cannot import "{module}": only {allowed} are available.'
        return self._problem(IMPORT_NOT_ALLOWED, node, message)

    def _require(self, node):
        return self._forbidden(node, "`import ... = require(...)`")

    def _dynamic_import(self, node):
        return self._forbidden(node, "`import()`")

    def _meta(self, node):
        return self._forbidden(node, "`import.meta`") if _text(node).startswith("import") else None

    def _with(self, node):
        return self._forbidden(node, "The `with` statement")

    def _closing(self, node):
        # The grammar accepts <a></b>; Sucrase (and so the renderer) does not.
        opening = node.parent.child_by_field_name("open_tag")
        name, expected = node.child_by_field_name("name"), opening.child_by_field_name("name")
        if (name and _text(name)) == (expected and _text(expected)):
            return None
        message = f"Syntax error: `{_text(node)}` does not close `{_text(opening)}`."
        return self._problem(SYNTAX_ERROR, node, message)

    def _element(self, node):
        name = identifier_name(node) if node.type == "identifier" else _string_value(node)
        if name is None or name.lower() not in code_rules.DENIED_ELEMENTS:
            return None
        return self._forbidden(node, f"The element <{name}>")

    def _name(self, node):
        name = identifier_name(node)
        if not code_rules.is_denied_global(name):
            return None
        if node.parent.type in _JSX_NAME_PARENTS and name[:1].islower():
            return None  # <top /> is an HTML tag name, not a reference
        if self.scopes.is_local(node, name):
            return None
        return self._forbidden(node, f"`{name}`")

    def _property(self, node):
        name = identifier_name(node)
        if not code_rules.is_denied_property(name):
            return None
        parent = node.parent.type
        if parent in _OWN_MEMBER_PARENTS or (parent == "method_definition" and name == "constructor"):
            return None
        return self._forbidden(node, f"The property `{name}`")

    def _string(self, node):
        value = _string_value(node)
        if value is not None and code_rules.is_denied_property(value):
            return self._forbidden(node, f'The string "{value}" (a denied property name)')
        return None


def _text(node):
    return node.text.decode()


def _string_value(node):
    """A literal's value with JS escapes decoded; None for a template with substitutions."""
    if any(child.type == "template_substitution" for child in node.children):
        return None
    raw = _text(node)[1:-1]
    if "\\" not in raw:
        return raw
    raw = _BRACED_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw)
    try:
        return raw.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return raw
