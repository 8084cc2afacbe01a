"""PostgreSQL's binaries (Debian's packages) and the OS user that runs them when we are root."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
from pathlib import Path

from nativestack.config import PG_DATA, StackError, rel, say
from nativestack.processes import clean_env, run


def pg_bindir() -> Path | None:
    """Newest PostgreSQL server binaries: Debian's layout first, then PATH."""
    cands = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        ver = Path(initdb).parent.parent.name
        with contextlib.suppress(ValueError):
            cands.append((float(ver), Path(initdb).parent))
    if cands:
        return max(cands)[1]
    found = shutil.which("initdb")
    if found and Path(found).with_name("pg_ctl").exists():
        return Path(found).resolve().parent
    return None


def require_pg_bindir() -> Path:
    """The PostgreSQL binaries, or a one-line error saying what to install."""
    bindir = pg_bindir()
    if not bindir:
        raise StackError(
            "PostgreSQL server (initdb) not found; "
            "install postgresql (apt-get install -y postgresql)"
        )
    return bindir


def am_root() -> bool:
    """Whether we run as root (PostgreSQL will not)."""
    return os.geteuid() == 0


def pg_user() -> str | None:
    """OS user that runs PostgreSQL when we are root (PostgreSQL refuses root)."""
    if not am_root():
        return None
    with contextlib.suppress(OSError, KeyError):
        owner = pwd.getpwuid(PG_DATA.stat().st_uid).pw_name
        if owner != "root":
            return owner
    for name in ("postgres", "tandem"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    run(
        [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            "tandem",
        ]
    )
    say("created system user 'tandem' to run PostgreSQL (no 'postgres' user here)")
    return "tandem"


def as_pg(cmd: list[str], user: str | None) -> list[str]:
    """The command, run as the PostgreSQL user when there is one."""
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


def chown_tree(path: Path, user: str | None) -> None:
    """Give a tree to the PostgreSQL user."""
    if not user:
        return
    pw = pwd.getpwnam(user)
    for dirpath, _dirnames, filenames in os.walk(path):
        os.chown(dirpath, pw.pw_uid, pw.pw_gid)
        for name in filenames:
            with contextlib.suppress(FileNotFoundError):
                os.lchown(os.path.join(dirpath, name), pw.pw_uid, pw.pw_gid)


def ensure_traversable(path: Path, user: str | None) -> None:
    """Every ancestor of `path` must be searchable by the PostgreSQL user."""
    if not user:
        return
    pw = pwd.getpwnam(user)
    for parent in [*reversed(path.parents)]:
        if parent == Path("/"):
            continue
        st = parent.stat()
        ok = (
            (st.st_uid == pw.pw_uid and st.st_mode & 0o100)
            or (st.st_gid == pw.pw_gid and st.st_mode & 0o010)
            or st.st_mode & 0o001
        )
        if not ok:
            os.chmod(parent, st.st_mode | 0o001)
            say(f"made {parent} traversable (o+x) so '{user}' can reach {rel(path)}")


def install_postgres() -> str | None:
    """Install Debian's PostgreSQL server packages when no initdb is found; says what it did."""
    if pg_bindir() is not None:
        return None
    if not am_root():
        raise StackError(
            "PostgreSQL server (initdb) not found; "
            "install postgresql (sudo apt-get install -y postgresql)"
        )
    if not shutil.which("apt-get"):
        raise StackError("PostgreSQL (initdb) not found and no apt-get; install postgresql")
    say("installing postgresql (apt-get) ...")
    # Do not let the Debian package create and start its own 'main' cluster on 5432.
    conf = Path("/etc/postgresql-common/createcluster.conf")
    if not conf.exists():
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text("create_main_cluster = false\n")
    env = clean_env() | {"DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update"], env=env)
    run(
        [
            "apt-get",
            "install",
            "-y",
            "--no-install-recommends",
            "-o",
            "Dpkg::Options::=--force-confold",
            "postgresql",
        ],
        env=env,
    )
    require_pg_bindir()
    return "postgresql"
