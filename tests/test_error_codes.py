"""Errors a client can branch on are listed in one place, the README's Errors table: every SQLSTATE
the functions raise (the newest version of each function file, and the migrations) is in it, and
every package-specific code in it (<class>Y<nn>, in a standard class) is raised somewhere."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = r"[0-9A-Z]{5}"
RAISED = [re.compile(rf"ERRCODE\s*=\s*'({CODE})'"),
          re.compile(rf"raise_unless\([^;]*?,\s*'({CODE})'", re.S)]


def newest_function_files():
    for directory in sorted((ROOT / "functions").glob("*/*")):
        versions = sorted(directory.glob("[0-9][0-9][0-9][0-9].sql"))
        if versions:
            yield versions[-1]


def raised_codes():
    codes = {}
    for path in [*newest_function_files(), *sorted((ROOT / "migrations").glob("*.sql"))]:
        if path.name.endswith(".rollback.sql"):
            continue
        for pattern in RAISED:
            for code in pattern.findall(path.read_text()):
                codes.setdefault(code, path.relative_to(ROOT).as_posix())
    return codes


def listed_codes():
    text = (ROOT / "README.md").read_text()
    section = text[text.index("### Errors"):text.index("### Limits")]
    return set(re.findall(rf"^\| ({CODE}) \|", section, re.M))


def test_every_code_the_functions_raise_is_in_the_readme_errors_table():
    raised, listed = raised_codes(), listed_codes()
    missing = {code: where for code, where in raised.items() if code not in listed}
    assert not missing, f"add these SQLSTATEs to README.md, Errors: {missing}"


def test_every_package_code_listed_is_raised_and_keeps_a_standard_class():
    raised, listed = raised_codes(), listed_codes()
    own = {code for code in listed if code[2] == "Y"}
    assert own, "the table lists the package's own codes"
    assert own <= set(raised), f"listed but never raised: {sorted(own - set(raised))}"
    standard_classes = {"22", "23", "28", "42", "55", "P0"}
    assert {code[:2] for code in own} <= standard_classes
