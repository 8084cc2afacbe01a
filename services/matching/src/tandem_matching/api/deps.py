"""What matching's routers depend on beyond the kit: the command context and program access."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from tandem_matching.domain.program import Program
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.pairs import load_pair
from tandem_matching.handlers.programs import load_program
from tandem_service.api import command_context
from tandem_service.auth import Caller, Role, require_roles
from tandem_service.errors import Invalid, NotFound

Commands = Annotated[Context, Depends(command_context)]
Admin = Annotated[Caller, Depends(require_roles(Role.PROGRAM_ADMIN, Role.ORG_ADMIN))]
Member = Annotated[
    Caller, Depends(require_roles(Role.PARTICIPANT, Role.PROGRAM_ADMIN, Role.ORG_ADMIN))
]


def manages_programs(caller: Caller) -> bool:
    """A program admin or an organisation-wide admin."""
    return caller.has_any(Role.PROGRAM_ADMIN, Role.ORG_ADMIN)


def is_org_admin(caller: Caller) -> bool:
    """An organisation-wide admin manages and sees every program."""
    return caller.has_any(Role.ORG_ADMIN)


async def managed_program(program_id: str, caller: Admin, commands: Commands) -> Program:
    """The program (from the write model), if the caller manages it: else 404 or 403."""
    program, _ = await load_program(commands, program_id)
    program.check_manager(caller.subject, org_admin=is_org_admin(caller))
    return program


Managed = Annotated[Program, Depends(managed_program)]


async def sees_all_pairs(program_id: str, caller: Member, commands: Commands) -> bool:
    """True for the program's managers; False for a participant (who sees their own); 404/403."""
    program, _ = await load_program(commands, program_id)
    program.check_exists()
    if not caller.has_any(Role.PROGRAM_ADMIN, Role.ORG_ADMIN):
        return False
    program.check_manager(caller.subject, org_admin=is_org_admin(caller))
    return True


SeesAllPairs = Annotated[bool, Depends(sees_all_pairs)]


async def managed_pair(pair_id: str, caller: Admin, commands: Commands) -> str:
    """The pair's id, if the caller manages its program: else 404 or 403."""
    pair, _ = await load_pair(commands, pair_id)
    if not pair.pair_id:
        raise NotFound(f"no pair {pair_id}")
    await managed_program(pair.program_id, caller, commands)
    return pair.pair_id


ManagedPair = Annotated[str, Depends(managed_pair)]


def etag(version: int) -> str:
    """The strong ETag of a resource at ``version``."""
    return f'"{version}"'


def if_match(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="The ETag the change is based on; 412 when the resource moved on.",
        ),
    ] = None,
) -> int | None:
    """The version an ``If-Match`` header names (None when absent or ``*``)."""
    if value is None or value.strip() == "*":
        return None
    digits = value.strip().removeprefix("W/").strip('"')
    if not digits.isdigit():
        raise Invalid(("header", "If-Match"), 'If-Match must be an ETag such as "3"')
    return int(digits)


IfMatch = Annotated[int | None, Depends(if_match)]
