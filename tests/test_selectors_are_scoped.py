"""Scope fails loudly: every public selector that takes the actor starts from the access
policy. Read statically (ast), so that a new selector that forgets to scope fails here
before any test of its pages could miss it:

- a selector is every public function of an `<app>/selectors.py` module or of a module
  of an `<app>/selectors/` package, found by walking the apps, not from a list;
- it takes the actor when a parameter is called `actor` or `user`;
- it is scoped when its body uses a scope of `agencies.access` (a `*_scope`, `can`,
  `require` or `membership_of`), or another function of a selectors module (or a
  private helper beside it) that is scoped, however deep.

A function that takes the actor for another reason (to write the access log, say) and
reads nothing by it goes in EXCEPTIONS, with the reason."""

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCESS = "agencies.access"
# Every `*_scope` of agencies.access, `can` and `require`; and `membership_of`, the
# policy's answer to "which agency and team is the actor in", from which the selectors of
# the actor's own agency (its teams, its caseworkers) filter, as the scopes themselves do.
POLICY = {"can", "require", "membership_of"}
ACTOR_PARAMETERS = {"actor", "user"}

# (module, function): why it may take the actor without starting from a scope.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # Writers of the access log: the case or record was read through a scoped selector
    # first; the actor is who is logged, not whom the read is filtered by.
    ("cases.selectors", "log_case_read"): "writes the access log of a read already scoped",
    ("cases.selectors", "party_list_logged"): "writes the access log of a scoped list",
    ("cases.selectors.identifiers", "identifier_list_logged"): (
        "writes the access log of identifiers its callers read through the scoped selectors"
    ),
    ("cases.selectors", "refusal_log"): "writes the access log of a refusal (a 404)",
    ("cases.selectors", "case_log_terms"): "the terms of a log entry about a case already read",
    ("subject_access.selectors.requests", "sar_list_logged"): (
        "writes the access log of a page of requests read through sar_scope"
    ),
    ("subject_access.selectors.requests", "sar_subjects_listed"): (
        "writes the access log of the people a page of requests (sar_list) names"
    ),
    ("subject_access.selectors.requests", "sar_read_log"): (
        "writes the access log of a request read through sar_get_for_actor"
    ),
    ("welfare.selectors.duties", "duty_get_from"): (
        "one of `duties`, a queryset its callers scoped (duty_list and duty_team_list), "
        "and the log of that read or its refusal"
    ),
    ("welfare.selectors.duties", "case_record_get_logged"): (
        "one of `records`, a queryset its callers scoped, and the log of that read or its refusal"
    ),
    # Reads nothing by the actor but their role.
    ("welfare.selectors.duties", "whose_default_get"): "the list a role starts from",
    # `user` is whom the notice is about, not a reader: the sweeps ask it, with no actor.
    ("agencies.selectors.supervision", "supervisors_of"): "who supervises a user, for sweeps",
}


def _is_policy(name: str) -> bool:
    return name in POLICY or name.endswith("_scope")


@dataclass
class Function:
    module: str
    name: str
    node: ast.FunctionDef
    uses: set[tuple[str, str]] = field(default_factory=set)
    policy: bool = False

    @property
    def public(self) -> bool:
        return not self.name.startswith("_")

    @property
    def takes_actor(self) -> bool:
        arguments = self.node.args
        names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
        return bool(ACTOR_PARAMETERS & set(names))


def _apps() -> list[Path]:
    """Every Python package at the top of the project (tests and the tools aside)."""
    return [
        path
        for path in sorted(ROOT.iterdir())
        if (path / "__init__.py").exists() and path.name not in {"tests", "scripts"}
    ]


def selector_modules() -> Iterator[tuple[str, Path]]:
    for app in _apps():
        single = app / "selectors.py"
        if single.exists():
            yield f"{app.name}.selectors", single
        package = app / "selectors"
        for path in sorted(package.rglob("*.py")) if package.is_dir() else ():
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(tree: ast.Module, module: str) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """The module aliases (`from agencies import access`, `import x.y as z`) and the
    imported names (`from cases.selectors import case_list`) of a module."""
    modules: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if _is_package(module) else 0)]
                source = ".".join([*base, source] if source else base)
            for alias in node.names:
                local = alias.asname or alias.name
                # `from agencies import access` names a module; `from x import f`, a function
                modules[local] = f"{source}.{alias.name}"
                names[local] = (source, alias.name)
    return modules, names


def _is_package(module: str) -> bool:
    return (ROOT / Path(*module.split(".")) / "__init__.py").exists()


def collect() -> dict[tuple[str, str], Function]:
    functions: dict[tuple[str, str], Function] = {}
    for module, path in selector_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        modules, names = _imports(tree, module)
        local = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            function = Function(module, node.name, node)
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                    if inner.id in local:
                        function.uses.add((module, inner.id))
                    elif inner.id in names:
                        source, name = names[inner.id]
                        if source == ACCESS and _is_policy(name):
                            function.policy = True
                        function.uses.add((source, name))
                elif isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
                    target = modules.get(inner.value.id)
                    if target == ACCESS and _is_policy(inner.attr):
                        function.policy = True
                    elif target is not None:
                        function.uses.add((target, inner.attr))
            functions[module, node.name] = function
    return functions


def scoped(functions: dict[tuple[str, str], Function]) -> set[tuple[str, str]]:
    """The functions that reach the policy, directly or through other selectors."""
    reached = {key for key, function in functions.items() if function.policy}
    while True:
        more = {
            key
            for key, function in functions.items()
            if key not in reached and function.uses & reached
        }
        if not more:
            return reached
        reached |= more


def test_the_selector_modules_are_found():
    modules = {module for module, _ in selector_modules()}
    assert {"cases.selectors", "referrals.selectors", "welfare.selectors.duties"} <= modules
    assert len(collect()) > 100


def test_every_selector_that_takes_the_actor_starts_from_a_scope_of_the_access_policy():
    functions = collect()
    reached = scoped(functions)
    unscoped = sorted(
        f"{module}.{name}"
        for (module, name), function in functions.items()
        if function.public
        and function.takes_actor
        and (module, name) not in reached
        and (module, name) not in EXCEPTIONS
    )
    assert unscoped == [], (
        "These selectors take the actor but never ask agencies.access (a *_scope, can or "
        "require, or a selector that does): scope them, or list them in EXCEPTIONS with "
        "the reason"
    )


def test_every_exception_is_still_needed():
    functions = collect()
    reached = scoped(functions)
    stale = sorted(
        f"{module}.{name}"
        for module, name in EXCEPTIONS
        if (module, name) not in functions
        or (module, name) in reached
        or not functions[module, name].takes_actor
    )
    assert stale == []


def test_a_selector_that_forgets_the_scope_is_caught(tmp_path, monkeypatch):
    module = tmp_path / "selectors.py"
    module.write_text(
        "from agencies import access\n"
        "from cases.models import Case\n\n"
        "def _own(actor):\n"
        "    return access.owned_or_granted_scope(actor, Case.objects.all(), action='x')\n\n"
        "def case_scoped(*, actor):\n"
        "    return _own(actor).filter(closed=False)\n\n"
        "def case_forgot(*, actor):\n"
        "    return Case.objects.filter(closed=False)\n"
    )
    monkeypatch.setattr(
        "tests.test_selectors_are_scoped.selector_modules", lambda: [("demo.selectors", module)]
    )
    functions = collect()
    assert set(functions) - scoped(functions) == {("demo.selectors", "case_forgot")}
