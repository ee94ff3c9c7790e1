"""sitegen/ is grouped by job: each package says what it owns, and nothing imports in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITEGEN = ROOT / "sitegen"
PACKAGES = sorted(p.parent.name for p in SITEGEN.glob("*/__init__.py"))


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imports(path: Path) -> set[str]:
    """The sitegen modules a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if (ROOT / Path(*candidate.split("."))).with_suffix(".py").exists()
                          else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("sitegen")}
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in SITEGEN.rglob("*.py")}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node):], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(edges.get(node, ())):
            if (found := visit(target)) is not None:
                return found
        visiting.pop()
        done.add(node)
        return None

    return next((found for node in sorted(edges) if (found := visit(node)) is not None), None)


def test_the_jobs_are_packages_each_saying_what_it_owns() -> None:
    assert PACKAGES == ["engine_assets", "finishing", "pages", "publishing", "source"]
    for package in PACKAGES:
        doc = ast.get_docstring(ast.parse((SITEGEN / package / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, package
    loose = sorted(p.name for p in SITEGEN.glob("*.py") if p.name != "__init__.py")
    assert loose == ["commands.py", "setup_env.py"]  # the command line, and the set-up that runs before the venv


def test_no_module_imports_in_a_circle() -> None:
    assert cycle(graph()) is None


def test_no_package_imports_in_a_circle() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in graph().items():
        parts = module.split(".")
        if len(parts) < 3:
            continue
        packages.setdefault(parts[1], set()).update(
            t.split(".")[1] for t in targets if len(t.split(".")) >= 3 and t.split(".")[1] != parts[1])
    assert cycle(packages) is None, packages


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_engineers_guide_maps_every_package() -> None:
    guide = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for package in PACKAGES:
        assert f"`sitegen/{package}/`" in guide, package
