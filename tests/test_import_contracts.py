"""The cycle contract of .importlinter (tests/import_contracts.py) on small import graphs."""
import grimp

from tests.import_contracts import AcyclicModulesContract


def check(*imports):
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported)
    return AcyclicModulesContract("no cycles", session_options={}, contract_options={}).check(graph, verbose=False)


def test_a_cycle_across_packages_breaks_it_and_is_named_once_from_its_smallest_module():
    result = check(("renders.b", "clips.a"), ("clips.a", "renders.b"), ("renders.b", "renders.c"))
    assert not result.kept
    assert result.metadata["cycles"] == [("clips.a", "renders.b")]


def test_imports_that_run_one_way_keep_it():
    result = check(("renders.api", "renders.requests"), ("renders.requests", "farm.hosts"), ("renders.api", "farm.hosts"))
    assert result.kept
