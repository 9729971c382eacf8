"""deploy/crontab.example: every job is a valid cron line running a make target that exists."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIELD = r"(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*"


def test_every_crontab_job_runs_an_existing_make_target():
    targets = set(re.findall(r"make (\S+)", subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True,
                                                           text=True, check=True).stdout))
    jobs = [line for line in (ROOT / "deploy" / "crontab.example").read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#") and not re.match(r"^[A-Z_]+=", line)]
    assert len(jobs) >= 5
    used = set()
    for job in jobs:
        fields = job.split(None, 5)
        assert all(re.fullmatch(FIELD, f) for f in fields[:5]), job
        target = re.search(r"make -s ([\w-]+)", fields[5]).group(1)
        assert target in targets, job
        used.add(target)
    assert {"rotate", "cleanup", "vacuum", "backup", "partitions"} <= used
