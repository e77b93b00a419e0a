"""Does a name refer to a local binding? Enough scope analysis for the denylist.

`const top = 40` or a parameter named `frames` is ordinary motion-graphics code, while a
bare `top` is the browser's window: a denied global name is allowed exactly where an
enclosing scope declares it. Only names that hit the denylist get here, so the scopes
are read lazily. When in doubt (a `var` declared in a nested block) the name counts as
global: the check errs towards refusing.
"""
import re

# The only other spelling TSX allows for an identifier: \uXXXX and \u{X...} escapes.
_IDENTIFIER_ESCAPE = re.compile(r"\\u(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{4}))")

FUNCTION_NODES = frozenset(
    {
        "function_declaration", "function_expression", "function", "generator_function",
        "generator_function_declaration", "arrow_function", "method_definition",
    }
)
BLOCK_NODES = frozenset({"program", "statement_block", "switch_body", "class_body"})
DECLARATION_NODES = frozenset({"lexical_declaration", "variable_declaration"})
NAMED_DECLARATIONS = frozenset(
    {
        "function_declaration", "generator_function_declaration", "class_declaration",
        "abstract_class_declaration",
    }
)
# Parts of a binding pattern that are expressions or types, not names being bound.
NOT_BOUND = frozenset({"type_annotation", "property_identifier", "type_identifier"})


def identifier_name(node):
    """The name an identifier node spells (`\\u0066etch` is `fetch`)."""
    text = node.text.decode()
    if "\\" not in text:
        return text
    return _IDENTIFIER_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


class ScopeReader:
    def __init__(self):
        self._declared = {}

    def is_local(self, node, name):
        scope = node.parent
        while scope is not None:
            if name in self._names(scope):
                return True
            scope = scope.parent
        return False

    def _names(self, scope):
        key = (scope.type, scope.start_byte, scope.end_byte)
        if key not in self._declared:
            self._declared[key] = frozenset(_declared_in(scope))
        return self._declared[key]


def _declared_in(scope):
    kind = scope.type
    if kind in BLOCK_NODES:
        for statement in scope.named_children:
            yield from _statement_names(statement)
    elif kind in FUNCTION_NODES:
        if kind != "function_declaration" and (name := scope.child_by_field_name("name")):
            yield identifier_name(name)
        params = scope.child_by_field_name("parameters") or scope.child_by_field_name("parameter")
        if params is not None:
            yield from _bound_names(params)
    elif kind in ("for_statement", "for_in_statement"):
        for field in ("initializer", "left"):
            if (part := scope.child_by_field_name(field)) is None:
                continue
            yield from _statement_names(part) if part.type in DECLARATION_NODES else _loop_left(scope, part)
    elif kind == "catch_clause":
        if (param := scope.child_by_field_name("parameter")) is not None:
            yield from _bound_names(param)
    elif kind == "class" and (name := scope.child_by_field_name("name")):
        yield identifier_name(name)


def _loop_left(loop, left):
    # `for (const k of ks)`: the declaration keyword is a sibling of the `left` pattern.
    if loop.child_by_field_name("kind") is not None:
        yield from _bound_names(left)


def _statement_names(statement):
    kind = statement.type
    if kind == "export_statement":
        if (declaration := statement.child_by_field_name("declaration")) is not None:
            yield from _statement_names(declaration)
    elif kind in DECLARATION_NODES:
        for declarator in statement.named_children:
            if declarator.type == "variable_declarator":
                yield from _bound_names(declarator.child_by_field_name("name"))
    elif kind in NAMED_DECLARATIONS:
        yield identifier_name(statement.child_by_field_name("name"))
    elif kind == "import_statement":
        for child in statement.named_children:
            if child.type == "import_clause":
                yield from _import_names(child)


def _import_names(clause):
    for child in clause.named_children:
        if child.type == "identifier":
            yield identifier_name(child)
        elif child.type == "namespace_import":
            yield from _bound_names(child)
        elif child.type == "named_imports":
            for spec in child.named_children:
                bound = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                yield identifier_name(bound)


def _bound_names(pattern):
    """Names bound by a parameter list or destructuring pattern (not defaults or keys)."""
    if pattern is None or pattern.type in NOT_BOUND:
        return
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        yield identifier_name(pattern)
        return
    if pattern.type in ("assignment_pattern", "object_assignment_pattern"):
        yield from _bound_names(pattern.child_by_field_name("left"))
        return
    if pattern.type == "pair_pattern":
        yield from _bound_names(pattern.child_by_field_name("value"))
        return
    if pattern.type in ("required_parameter", "optional_parameter"):
        yield from _bound_names(pattern.child_by_field_name("pattern"))
        return
    for child in pattern.named_children:
        yield from _bound_names(child)
