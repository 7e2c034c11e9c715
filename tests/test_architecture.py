"""The shape of the code. Read from the source with ``ast`` (nothing is imported): the
parts of the journal depend on one another in one direction only, no function imports a
journal module to dodge a cycle, and no feature borrows a helper from another feature's
forms or services. And every view states its contract in a docstring."""

import ast
import inspect
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "journal"

NOT_READ = {
    "journal/migrations/versions": "each migration is history: it imports the app code it "
                                   "runs only when it runs, against the schema of its time",
}
LOCAL_IMPORTS_ALLOWED = {
    "journal/__init__.py": "the factory imports the parts it assembles when it builds an "
                           "app, so importing one module (the migration environment imports "
                           "the prompt sync) does not load every feature",
}
BORROWING_ALLOWED = {
    ("journal/main/views.py", "journal.entries.forms"):
        "the start page shows the entry form itself, posting to the write page",
}


def _modules() -> dict[str, Path]:
    """Dotted name to file, for every module of the package that is read."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if any(relative.startswith(folder + "/") for folder in NOT_READ):
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, ast.stmt, bool]]:
    """``(imported journal module, statement, inside a function?)`` for every import."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef
                                               | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend((alias.name, child, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[:len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:  # ``from journal import x`` may name a module
                    candidate = f"{base}.{alias.name}"
                    found.append((candidate if candidate in MODULES else base, child,
                                  in_function))
            visit(child, nested)

    visit(tree, False)
    return [(target, node, local) for target, node, local in found
            if target == "journal" or target.startswith("journal.")]


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _part(module: str) -> str | None:
    """The part of the journal a module belongs to: ``journal.tags.queries`` is in
    ``tags``, ``journal.errors`` is ``errors``; the package root belongs to none."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _graph() -> dict[str, dict[str, list[str]]]:
    """part -> part it imports -> where (``file:line``)."""
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, imports in IMPORTS.items():
        source = _part(name)
        for target, node, _ in imports:
            destination = _part(target)
            if source and destination and destination != source:
                where = f"{MODULES[name].relative_to(ROOT)}:{node.lineno}"
                edges[source][destination].append(where)
    return edges


def _cycles(edges: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """One cycle through each group of parts that import one another (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for following in edges.get(node, {}):
            if following not in index:
                connect(following)
                low[node] = min(low[node], low[following])
            elif following in stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return groups


def test_the_import_graph_is_read_from_the_source():
    edges = _graph()

    assert "tags" in edges["search"] and "auth" in edges["entries"]
    assert "fulltext" in edges["tags"] and "journal.auth.carry" in MODULES


def test_no_two_parts_of_the_journal_import_each_other():
    edges = _graph()
    problems = []
    for group in _cycles(edges):
        links = [f"  {a} -> {b} ({', '.join(edges[a][b][:3])})"
                 for a in group for b in group if b in edges[a]]
        problems.append(f"{' <-> '.join(group)}:\n" + "\n".join(links))

    assert not problems, "Import cycles between parts of the journal:\n" + "\n".join(problems)


def test_no_function_imports_a_journal_module():
    """A function-local import dodging a cycle is code in the wrong place."""
    found = [f"{MODULES[name].relative_to(ROOT)}:{node.lineno} imports {target}"
             for name, imports in IMPORTS.items() for target, node, local in imports
             if local and MODULES[name].relative_to(ROOT).as_posix() not in LOCAL_IMPORTS_ALLOWED]

    assert not found, "Imports inside functions:\n" + "\n".join(found)


FEATURES = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))


def test_no_feature_borrows_from_another_features_forms_or_services():
    """A field or helper two features share lives in a shared module (``journal.fields``,
    ``journal.words``), not in one feature's ``forms.py`` or ``services.py``."""
    found = []
    for name, imports in IMPORTS.items():
        source = _part(name)
        relative = MODULES[name].relative_to(ROOT).as_posix()
        if source not in FEATURES:
            continue
        for target, node, _ in imports:
            parts = target.split(".")
            if (len(parts) == 3 and parts[1] in FEATURES and parts[1] != source
                    and parts[2] in ("forms", "services", "views")
                    and (relative, target) not in BORROWING_ALLOWED):
                found.append(f"{relative}:{node.lineno} imports {target}")

    assert not found, "Borrowed from another feature:\n" + "\n".join(found)


@pytest.mark.parametrize("allowed", [*LOCAL_IMPORTS_ALLOWED, *NOT_READ,
                                     *(path for path, _ in BORROWING_ALLOWED)])
def test_every_exception_names_something_that_exists(allowed):
    assert (ROOT / allowed).exists(), f"{allowed} is allowed but no longer exists"


def test_every_view_says_its_contract(app):
    """Each of the journal's views has a docstring: what it shows or does, and when it
    answers 404."""
    views = {endpoint: view for endpoint, view in app.view_functions.items()
             if inspect.unwrap(view).__module__.startswith("journal.")}
    missing = sorted(endpoint for endpoint, view in views.items()
                     if not (inspect.getdoc(inspect.unwrap(view)) or "").strip())

    assert "entries.detail" in views and "static" not in views
    assert not missing, "Views without a docstring: " + ", ".join(missing)
