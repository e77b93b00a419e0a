"""remotion/src/allowed-modules.json is the one list: modules.ts provides exactly it."""
import json
from pathlib import Path

import tree_sitter_typescript
from django.conf import settings
from tree_sitter import Language, Parser

from clips.code_rules import allowed_modules

SRC = Path(settings.REMOTION_PROJECT_DIR) / "src"


def _strings(node):
    return node.text.decode()[1:-1]


def provided_modules():
    """{module name: module it is bound to} from modules.ts's PROVIDED object literal."""
    tree = Parser(Language(tree_sitter_typescript.language_typescript())).parse((SRC / "modules.ts").read_bytes())
    namespaces, provided, json_imports = {}, {}, []
    for statement in tree.root_node.named_children:
        if statement.type == "import_statement":
            source = _strings(statement.child_by_field_name("source"))
            clause = next(c for c in statement.named_children if c.type == "import_clause")
            binding = clause.named_children[0]
            if binding.type == "namespace_import":
                namespaces[binding.named_children[0].text.decode()] = source
            elif source.endswith(".json"):
                json_imports.append(source)
        if statement.type == "lexical_declaration":
            declarator = statement.named_children[0]
            if declarator.child_by_field_name("name").text.decode() == "PROVIDED":
                for pair in declarator.child_by_field_name("value").named_children:
                    key = pair.child_by_field_name("key")
                    name = _strings(key) if key.type == "string" else key.text.decode()
                    provided[name] = namespaces[pair.child_by_field_name("value").text.decode()]
    return provided, json_imports


def test_modules_ts_provides_exactly_the_listed_modules_each_bound_to_itself():
    provided, json_imports = provided_modules()
    listed = json.loads((SRC / "allowed-modules.json").read_text())
    assert sorted(provided) == sorted(listed)
    assert all(module == name for name, module in provided.items()), provided
    assert json_imports == ["./allowed-modules.json"]


def test_django_reads_the_same_file():
    assert allowed_modules() == frozenset(json.loads((SRC / "allowed-modules.json").read_text()))
