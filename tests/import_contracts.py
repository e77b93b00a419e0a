"""An import-linter contract type (.importlinter): no module imports itself back.

import-linter's own contracts see cycles between siblings of one package; this one sees
every module cycle, across packages too (renders.x -> clips.y -> renders.x).
"""
from importlinter.application import output
from importlinter.domain.contract import Contract, ContractCheck


class AcyclicModulesContract(Contract):
    def check(self, graph, verbose):
        cycles = set()
        for importer in sorted(graph.modules):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                # (imported, ..., importer): with the import above, a cycle.
                back = graph.find_shortest_chain(importer=imported, imported=importer)
                if back:
                    cycles.add(_canonical(back))
        return ContractCheck(kept=not cycles, metadata={"cycles": sorted(cycles)})

    def render_broken_contract(self, check):
        # The shortest cycle through each import that is part of one.
        for cycle in check.metadata["cycles"]:
            output.print_error(" -> ".join((*cycle, cycle[0])), bold=False)
            output.new_line()


def _canonical(cycle):
    """The same cycle found from any of its modules, written from its smallest one."""
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]
