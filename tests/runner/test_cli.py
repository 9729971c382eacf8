"""runner.py's command line and the package behind it: the help lists no hidden command, the
names other code imports from `runner` are still there, and `new` depends on the head(s)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_the_commands_and_no_hidden_one():
    p = subprocess.run([sys.executable, str(ROOT / "runner.py"), "--help"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "SUPPRESS" not in p.stdout and "as-server-user" not in p.stdout
    for command in ("apply", "plan", "rollback", "status", "verify", "new", "seed", "cluster"):
        assert re.search(rf"^\s+{command}\s", p.stdout, re.M), command
    assert "--lock-retries" in p.stdout
    p = subprocess.run([sys.executable, str(ROOT / "runner.py"), "rollback", "--help"], capture_output=True, text=True)
    assert "--yes" in p.stdout and "--dry-run" in p.stdout


def test_runner_module_still_exports_what_tests_bench_and_docs_import():
    code = ("import runner; names = ['LocalCluster', 'Runner', 'DatabaseTarget', 'Project', 'pg_major', 'find_pg_bin',"
            " 'RunnerError', 'EXIT_OK', 'EXIT_USAGE', 'EXIT_UNREACHABLE', 'EXIT_AUTH', 'EXIT_BAD_URL',"
            " 'EXIT_MIGRATION_FAILED', 'EXIT_UNKNOWN_ID', 'EXIT_CHECKSUM', 'EXIT_LOCKED', 'EXIT_DRIFT', 'EXIT_CLUSTER',"
            " 'FunctionVersion', 'mask_url', 'main']; missing = [n for n in names if not hasattr(runner, n)];"
            " assert not missing, missing; assert runner.Runner.__module__ == 'assistant_db.migrations'")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr


def heads(project):
    ids = sorted(p.stem for p in (project / "migrations").glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))
    depended = set()
    for mid in ids:
        m = re.search(r"^-- depends:(.*)$", (project / "migrations" / f"{mid}.sql").read_text(), re.M)
        depended |= set(m.group(1).split()) if m else set()
    return [m for m in ids if m not in depended]


def depends_of(path):
    return re.search(r"^-- depends:(.*)$", path.read_text(), re.M).group(1).split()


def test_new_depends_on_the_single_head(run, project):
    assert (project / "migrations" / "0021_merge_heads.sql").is_file()
    (head,) = heads(project)
    r = run("new", "create_widgets", database=None)
    assert r.code == 0, r.text
    created = next((project / "migrations").glob("*_create_widgets.sql"))
    assert depends_of(created) == [head]
    assert "heads" not in r.out


def test_new_on_several_heads_depends_on_all_and_says_so(run, project, add_migration):
    (head,) = heads(project)
    side = add_migration(project, "create_side", "CREATE TABLE core.side (id int);", "DROP TABLE core.side;",
                         depends="0020_comment_partition_report_columns")
    r = run("new", "create_widgets", database=None)
    assert r.code == 0, r.text
    created = next((project / "migrations").glob("*_create_widgets.sql"))
    assert sorted(depends_of(created)) == sorted([head, side])
    assert f"2 heads ({head}, {side})" in r.out and "depends on all of them" in r.out
